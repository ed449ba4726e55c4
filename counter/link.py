"""The counter's MQTT side: what it subscribes to, and how its commands go out.

Handlers run on paho's network thread; every message is handed to the view-model through
``post`` (Kivy's main thread in the app), so the view-model is only ever touched on one thread.
The counter publishes only its commands (and its presence): never personal data.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from counter.options import CounterOptions
from counter.viewmodel import CounterViewModel, Job
from shared.config import MqttEndpoint
from shared.contract import topics as contract
from shared.contract.client_ids import counter_client_id, desk_program_ids
from shared.mqtt import MqttBus

PUBACK_WAIT_S = 0.05  # loopback or LAN: a PUBACK takes well under 1 ms; never freeze the UI long


class CounterLink:
    def __init__(
        self,
        endpoint: MqttEndpoint,
        options: CounterOptions,
        client_id: str | None = None,
        *,
        one_off: bool = False,
    ) -> None:
        """``one_off``: a ``--screenshot`` run beside the live counter: its own id, no presence."""
        self.options = options
        client_id = client_id or counter_client_id(options.desk)
        # The desk's keypad mode may have been given this account too (shared.contract.client_ids).
        siblings = desk_program_ids(options.desk)
        self.bus = MqttBus(endpoint, options.site, client_id, one_off=one_off, siblings=siblings)
        self.cmd_topic = contract.topic(options.site, "counter_cmd", desk=options.desk)
        self.last_state_at = 0.0  # perf_counter() of the newest desk state (the bench reads it)

    def send(self, payload: bytes) -> bool:
        """Publish a command (QoS 1, never retained); False when the broker is not reachable, so
        the caller keeps it for the reconnect."""
        if not self.bus.connected.is_set():
            return False
        info = self.bus.client.publish(self.cmd_topic, payload, qos=contract.QOS)
        # Wait (briefly) for the broker's PUBACK on this, the UI thread: paho's network thread
        # does the write, and the frame Kivy draws next holds the GIL for its whole length; on a
        # software-rendered screen that would keep the press from leaving for tens of ms.
        with contextlib.suppress(RuntimeError, ValueError):
            info.wait_for_publish(PUBACK_WAIT_S)
        return True

    def attach(self, vm: CounterViewModel, post: Callable[[Job], object]) -> None:
        """Route this desk's topics to ``vm`` through ``post``."""
        desk = self.options.desk

        def desk_state(_params: dict[str, str], payload: bytes) -> None:
            self.last_state_at = time.perf_counter()
            post(lambda: vm.on_desk_state(payload))

        self.bus.on("counter_state", desk_state, desk=desk)
        self.bus.on("counter_response", lambda _p, payload: post(lambda: vm.on_response(payload)), desk=desk)
        # One filter per contract key (the bus keeps one route per key): every queue, filtered to
        # the desk's services by the view-model.
        self.bus.on("queue_state", lambda p, payload: post(lambda: vm.on_queue_state(p["service"], payload)))
        self.bus.on("site_services", lambda _p, payload: post(lambda: vm.on_services(payload)))
        self.bus.on(
            "kiosk_status", lambda p, payload: post(lambda: vm.on_kiosk_status(p["kiosk_id"], payload))
        )
        self.bus.on(
            "display_status",
            lambda p, payload: post(lambda: vm.on_display_status(p["display_id"], payload)),
        )
        self.bus.on(
            "presence",
            lambda _p, payload: post(lambda: vm.on_hub_presence(payload)),
            client_id=self.options.hub_client_id,
        )
        self.bus.on_connected(lambda: post(lambda: vm.on_link(True)))
        self.bus.on_disconnected(lambda: post(lambda: vm.on_link(False)))

    def start(self) -> None:
        self.bus.start()

    def stop(self) -> None:
        self.bus.stop()

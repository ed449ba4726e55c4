"""The soak's contract clients: kiosks that issue tickets and desks that call and finish them, each
over MQTT exactly as a hardware button or another kiosk would, resending a request with the SAME
``request_id`` until the hub answers (so a broker or hub restart loses nothing and doubles
nothing)."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

SITE = "pst"
RESEND_S = 2.0  # no answer this long: send the same request again
GIVE_UP_S = 120.0  # the hub and the broker restart in seconds; this is a stuck run


class Requester:
    """One MQTT client (a kiosk or a desk) that asks and waits for the answer to its request_id."""

    def __init__(self, port: int, name: str, request_topic: str, response_topic: str) -> None:
        self.request_topic = request_topic
        self.response_topic = response_topic
        self.resends = 0
        self._answers: dict[str, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=f"soak-{name}-{uuid.uuid4().hex[:6]}"
        )
        self.client.reconnect_delay_set(0.1, 1)  # type: ignore[arg-type]
        # (Re)subscribe on every connect: a restarted broker has forgotten clean sessions.
        self.client.on_connect = lambda c, *_: c.subscribe(self.response_topic, qos=1)
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port, keepalive=10)
        self.client.loop_start()

    def _on_message(self, _c: paho.Client, _u: Any, message: paho.MQTTMessage) -> None:
        try:
            data = json.loads(message.payload)
        except ValueError:
            return
        if isinstance(data, dict) and isinstance(data.get("request_id"), str):
            with self._cond:
                self._answers[data["request_id"]] = data
                self._cond.notify_all()

    def ask(self, body: dict[str, Any]) -> dict[str, Any]:
        """Publish ``body`` (which carries its ``request_id``) until answered."""
        request_id = body["request_id"]
        payload = json.dumps(body)
        deadline = time.monotonic() + GIVE_UP_S
        while time.monotonic() < deadline:
            self.client.publish(self.request_topic, payload, qos=1)
            with self._cond:
                if self._cond.wait_for(lambda: request_id in self._answers, RESEND_S):
                    return self._answers.pop(request_id)
            self.resends += 1
        raise AssertionError(f"no answer to {request_id} on {self.response_topic} in {GIVE_UP_S:.0f} s")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class QueueWatch:
    """How many wait in each service, from the hub's retained ``queue/{service}/state``."""

    def __init__(self, port: int) -> None:
        self.waiting: dict[str, int] = {}
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"soak-watch-{uuid.uuid4().hex[:6]}")
        self.client.reconnect_delay_set(0.1, 1)  # type: ignore[arg-type]
        self.client.on_connect = lambda c, *_: c.subscribe(f"antre/{SITE}/queue/+/state", qos=1)
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port, keepalive=10)
        self.client.loop_start()

    def _on_message(self, _c: paho.Client, _u: Any, message: paho.MQTTMessage) -> None:
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            data = json.loads(message.payload)
            self.waiting[data["service"]] = int(data["count"])

    def total(self) -> int:
        return sum(self.waiting.values())

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@dataclass
class Tally:
    """What the contract clients saw, shared between their threads."""

    issued: list[str] = field(default_factory=list)  # ticket codes answered to the contract kiosks
    called: dict[str, list[str]] = field(default_factory=dict)  # desk -> codes it called
    refused: list[str] = field(default_factory=list)  # answers with an error we did not expect
    resends: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class ContractKiosk(threading.Thread):
    """Issues tickets (services A and B in turn) while ``allowed()`` says how many may be out yet."""

    def __init__(self, port: int, kiosk_id: str, take: Callable[[], bool], tally: Tally) -> None:
        super().__init__(name=f"soak-{kiosk_id}", daemon=True)
        topic = f"antre/{SITE}/kiosk/{kiosk_id}"
        self.kiosk_id = kiosk_id
        self.requester = Requester(port, kiosk_id, f"{topic}/request", f"{topic}/response")
        self.take = take  # True: issue one more now; False: none is due yet; raises StopIteration: done
        self.tally = tally
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for n in itertools.count():
                try:
                    if not self.take():
                        time.sleep(0.05)
                        continue
                except StopIteration:
                    return
                body = {"v": 1, "request_id": f"{self.kiosk_id}-{n}", "service": "AB"[n % 2]}
                answer = self.requester.ask(body)
                with self.tally.lock:
                    if isinstance(answer.get("ticket"), str):
                        self.tally.issued.append(answer["ticket"])
                    else:
                        self.tally.refused.append(json.dumps(answer))
        except BaseException as exc:  # handed to the soak, which fails the run with it
            self.error = exc
        finally:
            with self.tally.lock:
                self.tally.resends += self.requester.resends
            self.requester.close()


class ContractDesk(threading.Thread):
    """A desk's button as JSON commands: ``next`` (finish the visitor, call the next) after a short
    service, until ``done()`` and its last visitor is finished. While the day goes on it presses
    only when more than ``leave`` wait (so the real counter app, which polls slower, finds one)."""

    def __init__(self, port: int, desk: str, tally: Tally, done: Callable[[], bool],
                 waiting: Callable[[], int], leave: int = 1, service_s: float = 0.4,
                 idle_s: float = 0.3) -> None:  # fmt: skip
        super().__init__(name=f"soak-desk-{desk}", daemon=True)
        topic = f"antre/{SITE}/counter/{desk}"
        self.desk = desk
        self.requester = Requester(port, f"desk{desk}", f"{topic}/cmd", f"{topic}/response")
        self.tally = tally
        self.done, self.waiting, self.leave = done, waiting, leave
        self.service_s, self.idle_s = service_s, idle_s
        self.error: BaseException | None = None
        tally.called.setdefault(desk, [])

    def run(self) -> None:
        try:
            for n in itertools.count():
                finishing = self.done()  # read before the press: the press after it ends the day here
                if not finishing and self.waiting() <= self.leave:
                    time.sleep(self.idle_s)
                    continue
                body = {"v": 1, "action": "next", "request_id": f"d{self.desk}-{n}"}
                answer = self.requester.ask(body)
                code = answer.get("ticket")
                error = (answer.get("error") or {}).get("code")
                if isinstance(code, str):
                    with self.tally.lock:
                        self.tally.called[self.desk].append(code)
                    time.sleep(self.service_s)
                    continue
                if error not in (None, "nobody_waiting"):
                    with self.tally.lock:
                        self.tally.refused.append(json.dumps(answer))
                if finishing:
                    return  # nobody at the desk, nobody waiting, nobody more to come
                time.sleep(self.idle_s)
        except BaseException as exc:
            self.error = exc
        finally:
            with self.tally.lock:
                self.tally.resends += self.requester.resends
            self.requester.close()

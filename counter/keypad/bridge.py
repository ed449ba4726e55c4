"""``antre counter --keypad --desk 2``: a USB numeric keypad drives a desk, without a window.

Each key publishes a plain-word command of contract v1 on ``counter/{desk}/cmd`` (exactly what an
ESP32 button sends) and every answer of the hub for the desk is printed as one line:

    Enter or +   next     finish the visitor at the desk (if any) and call the next one
    0            recall   call the same visitor again
    .            start    the visitor has arrived
    *            finish   the visit is done
    -            noshow   the visitor did not come (after a call)
    1            hold     park the visitor at the desk (they step away; the desk may call others)
    2            resume   call the visitor parked here back (only one parked: the app names which)
    3            return   send the visitor at the desk back to the queue, at their place
    /            show the desk's state, who is parked and how many wait (nothing is sent)

``repeat`` (the announcement again) is what ``0`` does: the hub treats it as ``recall``. An
out-of-order call needs a ticket and a reason, so it is the desk app's dialog, not a key.

A key pressed while the broker is unreachable is ignored (and says so) rather than kept: a plain
word has no request id, so a late delivery could call someone nobody expects. The same key again
within ``--debounce`` seconds (0.6) is ignored too: a bouncing or held key is not two calls.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TextIO

from counter import texts
from counter.keypad import keys
from counter.options import CounterOptions, counter_options
from shared.config import ConfigError, Settings, load_settings
from shared.contract import topics as contract
from shared.contract.answers import parse_counter_answer
from shared.contract.client_ids import desk_program_ids, keypad_client_id
from shared.contract.codec import PayloadError
from shared.contract.records import DeskState, parse_desk_state, parse_queue_state
from shared.mqtt import MqttBus

KEYMAP = {"enter": "next", "+": "next", "0": "recall", ".": "start", "*": "finish", "-": "noshow"}
KEYMAP |= {"1": "hold", "2": "resume", "3": "return"}  # the desk actions (docs/queue.md)
STATUS_KEY = "/"
KEY_HELP = (
    "Enter/+ = next, 0 = recall, . = start, * = finish, - = noshow, 1 = hold, 2 = resume, 3 = return, "
    "/ = status"
)
DEBOUNCE_S = 0.6


class KeypadBridge:
    def __init__(
        self,
        settings: Settings,
        options: CounterOptions,
        out: TextIO,
        *,
        debounce_s: float = DEBOUNCE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options
        self.lang = options.language
        self.out = out
        self.debounce_s = debounce_s
        self.clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self.desk: DeskState | None = None
        self.waiting: dict[str, int] = {}
        siblings = desk_program_ids(options.desk)  # the desk's counter app may share the account
        self.bus = MqttBus(settings.mqtt, settings.site, keypad_client_id(options.desk), siblings=siblings)
        self.cmd_topic = contract.topic(settings.site, "counter_cmd", desk=options.desk)
        self.bus.on("counter_response", self._on_response, desk=options.desk)
        self.bus.on("counter_state", self._on_state, desk=options.desk)
        self.bus.on("queue_state", self._on_queue)
        self.bus.on_connected(lambda: self.say(texts.t(self.lang, "keypad.connected")))
        self.bus.on_disconnected(lambda: self.say(texts.t(self.lang, "keypad.lost")))

    def say(self, line: str) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        with self._lock:
            self.out.write(f"{stamp}  {line}\n")
            self.out.flush()

    def start(self) -> None:
        self.say(
            texts.t(self.lang, "keypad.title", desk_name=self.options.desk_name, url=self.bus.endpoint.url())
        )
        self.say(texts.t(self.lang, "keypad.help", keys=KEY_HELP))
        self.bus.start()

    def stop(self) -> None:
        self.bus.stop()

    def press(self, key: str) -> bool:
        """One key: send its word (True), or say why not."""
        now = self.clock()
        last = self._last.get(key)
        self._last[key] = now
        if last is not None and now - last < self.debounce_s:
            return False
        if key == STATUS_KEY:
            self.say(self.status_line())
            return False
        action = KEYMAP.get(key)
        if action is None:
            self.say(texts.t(self.lang, "keypad.unknown_key", name=key))
            return False
        if not self.bus.connected.is_set():
            self.say(texts.t(self.lang, "keypad.ignored", name=key))
            return False
        self.bus.publish(self.cmd_topic, contract.plain_command(action))
        return True

    def status_line(self) -> str:
        desk = self.desk
        status = texts.t(self.lang, f"status.{desk.status if desk else 'unknown'}")
        ticket = (desk.ticket or "") if desk else ""
        served = {s.prefix for s in self.options.services}
        count = sum(n for service, n in self.waiting.items() if service in served)
        line = texts.t(
            self.lang, "keypad.state", desk_name=self.options.desk_name, status=status, ticket=ticket
        )
        line = f"{line.rstrip()}  |  {texts.t(self.lang, 'desk.waiting_count', count=count)}"
        if desk is not None and desk.parked:
            line += "  |  " + texts.t(self.lang, "keypad.parked", codes=", ".join(desk.parked))
        return line

    # --- paho's thread -------------------------------------------------------------------------

    def _on_response(self, _params: dict[str, str], payload: bytes) -> None:
        try:
            answer = parse_counter_answer(payload)
        except PayloadError:
            return
        options = self.options
        words = texts.answer_text(answer.fields, self.lang, options.desk_name, options.service_names)
        action = answer.action or "error"
        self.say(f"{action:<8} {words}")

    def _on_state(self, _params: dict[str, str], payload: bytes) -> None:
        try:
            self.desk = parse_desk_state(payload)
        except PayloadError:
            return

    def _on_queue(self, params: dict[str, str], payload: bytes) -> None:
        try:
            self.waiting[params["service"]] = parse_queue_state(payload).count
        except PayloadError:
            return


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="antre counter --keypad", description="Drive a desk from a USB numeric keypad."
    )
    parser.add_argument("--config", help="TOML config file (default: $ANTRE_CONFIG or the user config dir)")
    parser.add_argument("--desk", help="the desk id (default: [counter] desk)")
    parser.add_argument("--lang", choices=texts.LANGUAGES, help="language of the printed lines")
    parser.add_argument("--device", help="read a Linux input device (python-evdev) instead of the terminal")
    parser.add_argument(
        "--debounce",
        type=float,
        default=DEBOUNCE_S,
        help=f"ignore the same key again within this (s, {DEBOUNCE_S})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        settings = load_settings(args.config)
        options = counter_options(settings, args.desk, args.lang)
    except ConfigError as exc:
        print(f"antre counter --keypad: configuration error: {exc}", file=sys.stderr)
        return 2
    bridge = KeypadBridge(settings, options, sys.stdout, debounce_s=max(0.0, args.debounce))
    source: Iterator[str] = keys.device_keys(args.device) if args.device else keys.terminal_keys()
    bridge.start()
    try:
        for key in source:
            bridge.press(key)
        time.sleep(0.5)  # input ended (a pipe): let the last answer arrive and print
    except KeyboardInterrupt:
        pass
    except (RuntimeError, OSError) as exc:
        print(f"antre counter --keypad: {exc}", file=sys.stderr)
        return 1
    finally:
        bridge.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

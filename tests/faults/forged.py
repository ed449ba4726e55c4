"""Log lines that cannot be forged: what clients send reaches the hub's log escaped and cut.

Request ids, officer ids and user text carrying a newline, a CR, ESC sequences and 30 KB of
text go to the hub through every door that logs them: kiosk requests (refused and accepted),
desk commands (to a real desk and to made-up ones), the staff API's sign-in with a wrong PIN.
Then the hub's captured stderr is read as bytes: no line may start with the forged text, none may
hold an ESC or a CR, none may be longer than the cut; the forged marker must be there (escaped),
or the run proved nothing; and a burst of one refusal must be counted, not written line by line.
"""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

from shared import logs
from tests.faults import junk
from tests.faults.lobby import SITE, Client, Outcome, lobby, new_id

MARK = "FORGED-LINE"
FORGERIES = [
    f"x\n{MARK} CRITICAL hub: all desks closed",
    f"x\r\n{MARK} CRITICAL hub: pwned",
    f"\x1b[2J\x1b[H{MARK}\x1b[31m",
    f"y\u2028{MARK} line separator",
    f"z\x85{MARK} next line",
]
BIG = 30_000
REPEATS = 60  # one refusal this many times in a burst: the log must count them
# A terminal line is its time, level and logger, then the message cut at MAX_MESSAGE_CHARS: the
# 30 KB texts here are plain letters after a few escapes, so twice the cut is room enough.
FIRST_LINE_MAX = 2 * logs.MAX_MESSAGE_CHARS
FURTHER_LINE_MAX = len(logs.CONTINUATION) + 2 * 4 * logs.MAX_MESSAGE_CHARS


def run(workdir: Path) -> Outcome:
    out = Outcome("forged log lines: ids and user text with newline, CR, ESC, 30 KB")
    officers = '[[officers]]\nid = "budi"\nname = "Budi"\npin_hash = "x"\n'
    with lobby(workdir, extra_config=officers) as place:
        client = Client(
            place.port, "forger", [f"antre/{SITE}/kiosk/+/response", f"antre/{SITE}/counter/+/response"]
        )
        client.connected.wait(5)
        answered = 0
        sent = 0
        for n, forged in enumerate(FORGERIES):
            asks = [
                ("kiosk/k1/request", {"v": 1, "request_id": forged, "service": "Z"}),  # unknown service
                (
                    "kiosk/k1/request",
                    {"v": 1, "request_id": forged[:60] + str(n), "service": "A"},
                ),  # a ticket
                (
                    "kiosk/k1/request",
                    {"v": 1, "request_id": forged, "service": "A", "guest": {"name": forged}},
                ),
                ("counter/1/cmd", {"v": 1, "action": "dance", "request_id": forged}),
                ("counter/1/cmd", {"v": 1, "action": "finish", "request_id": forged[:60] + str(n)}),
                ("kiosk/k1/request", {"v": 1, "request_id": forged + "x" * BIG, "service": "A"}),
                ("kiosk/k1/request", {"v": 1, "request_id": new_id(), "service": forged + "s" * BIG}),
                (
                    "kiosk/k1/request",
                    {"v": 1, "request_id": new_id(), "lookup": {"email": forged + "e" * BIG}},
                ),
            ]
            for suffix, body in asks:
                sent += 1
                if len(body["request_id"]) <= 64:
                    answered += client.request(suffix, body, retry_s=3, timeout=6).answer is not None
                else:
                    client.send(suffix, body)  # an id past 64 characters cannot be echoed
            # Answered with "request_id": null: an unknown desk's id is only read when it is plainly safe.
            client.send("counter/77/cmd", {"v": 1, "action": "next", "request_id": forged})
            # A desk level with control characters: Mosquitto itself drops the client that sends it.
            _send_once(place.port, f"antre/{SITE}/counter/{forged}/cmd", b"next")
            for officer in (forged, forged + "o" * BIG):
                _signin(place.staff_url, officer)
        for _ in range(REPEATS):
            client.send("kiosk/k1/request", b'{"v":1,"request_id":"same","service":"Z"}')
        client.request(
            "kiosk/k1/request", {"v": 1, "request_id": new_id(), "service": "A"}
        )  # the hub caught up
        time.sleep(0.5)
        client.close()
        place.stop()
        log = place.hub_log()
    lines = log.split(b"\n")
    starts = [line for line in lines if re.match(rb"\s*(\x1b\[[0-9;]*[A-Za-z])*\s*" + MARK.encode(), line)]
    escapes = [line for line in lines if b"\x1b" in line]
    returns = [line for line in lines if b"\r" in line]
    first = [line for line in lines if not line.startswith(logs.CONTINUATION.encode())]
    further = [line for line in lines if line.startswith(logs.CONTINUATION.encode())]
    longest = max((len(line) for line in first), default=0)
    longest_further = max((len(line) for line in further), default=0)
    text = log.decode("utf-8", errors="replace")
    marked = text.count(MARK)
    same = sum(1 for line in lines if b"unknown service" in line or b"'Z'" in line)
    out.figures += [
        f"  {sent} forged requests, {answered} answered; "
        f"{len(FORGERIES) * 2} sign-ins with forged officer ids",
        f"  hub log: {len(lines)} lines, longest {longest} bytes (continuation {longest_further}), "
        f"forged marker seen escaped {marked} times",
        f"  {REPEATS} identical refusals in a burst -> {same} log lines mention them",
    ]
    out.check(f"no line starts with the forged text ({len(starts)})", not starts)
    out.check(f"no ESC byte in the log ({len(escapes)} lines)", not escapes)
    out.check(f"no CR byte in the log ({len(returns)} lines)", not returns)
    out.check(f"no line longer than the cut ({longest} <= {FIRST_LINE_MAX})", longest <= FIRST_LINE_MAX)
    out.check(
        f"no traceback line longer than its cut ({longest_further} <= {FURTHER_LINE_MAX})",
        longest_further <= FURTHER_LINE_MAX,
    )
    out.check(f"the forged ids did reach the log, escaped ({marked} times)", marked >= len(FORGERIES))
    fitting = sum(1 for _suffix, body in asks if len(body["request_id"]) <= 64) * len(FORGERIES)
    out.check(
        f"every forged request with an id that fits was answered ({answered} of {fitting})",
        answered == fitting,
    )
    out.check(f"a burst of {REPEATS} equal refusals is not {REPEATS} lines ({same})", same < REPEATS // 4)
    return out


def _send_once(port: int, topic: str, payload: bytes) -> None:
    """One QoS 0 message from a throwaway connection (a client library would resend it forever)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(junk.connect_packet(f"forger-{new_id()}"))
        sock.recv(4)
        sock.sendall(junk.publish_packet(topic, payload))
        time.sleep(0.05)


def _signin(base: str, officer: str) -> None:
    body = json.dumps({"desk": "1", "officer": officer, "pin": "000000"}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/signin", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10):
            pass
    except urllib.error.HTTPError:
        pass  # 401 wrong PIN: what was meant

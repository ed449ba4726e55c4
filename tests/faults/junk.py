"""A junk client: as many bad messages as one process can push at a broker, for a set time.

    python -m tests.faults.junk PORT SECONDS SEED [RATE]

It speaks MQTT 3.1.1 over a plain socket with its packets built beforehand, so the rate is what
the socket and the broker take, not what a client library's Python can encode (or at most
``RATE`` messages a second, when given and not 0). Mostly QoS 0, some QoS 1 (the broker
acknowledges, the reader drains the acks). It prints ``ready`` once connected, then the number
sent.
The junk: random bytes, wrong JSON types, 256 KB strings, unknown desks and services, deeply
nested arrays, lone surrogates, request ids with newlines and ESC, bad guests; to kiosk request
topics of made-up kiosks and to the command topics of desk 1 and of desks that do not exist.
No message is a valid request: none may reach the database.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import sys
import threading
import time

SITE = "pst"
BIG = 256 * 1024


def _length(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _text(value: str) -> bytes:
    raw = value.encode("utf-8", "surrogatepass")
    return struct.pack("!H", len(raw)) + raw


def connect_packet(client_id: str) -> bytes:
    body = _text("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 0) + _text(client_id)  # clean, no keepalive
    return b"\x10" + _length(len(body)) + body


def publish_packet(topic: str, payload: bytes, qos: int = 0, packet_id: int = 1) -> bytes:
    body = _text(topic) + (struct.pack("!H", packet_id) if qos else b"") + payload
    return bytes([0x30 | (qos << 1)]) + _length(len(body)) + body


def junk(rng: random.Random) -> tuple[str, bytes]:
    """One junk message: (topic under antre/{site}/, payload)."""
    kiosk = f"kiosk/junk{rng.randrange(1000)}/request"
    nasty_id = rng.choice(["a\nFORGED-LINE CRITICAL hub: pwned", "\x1b[2J\x1b[31mred", "x\r\ny", "ok-1"])
    kinds = [
        (kiosk, bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))),
        (kiosk, b'{"v":1,"request_id":7,"service":["A"]}'),
        (kiosk, b'{"v":"1","request_id":"t","service":"A"}'),
        (kiosk, json.dumps([1, "A", None]).encode()),
        (kiosk, json.dumps({"v": 1, "request_id": "big", "service": "x" * BIG}).encode()),
        (kiosk, json.dumps({"v": 1, "request_id": rng.randbytes(4).hex(), "service": "ZZZ"}).encode()),
        (kiosk, ('{"v":1,"request_id":"n","service":' + "[" * 5000 + "]" * 5000 + "}").encode()),
        (kiosk, b'{"v":1,"request_id":"s","service":"A","guest":{"name":"Siti \\ud83d"}}'),
        (kiosk, json.dumps({"v": 1, "request_id": nasty_id, "service": "Q"}).encode()),
        (kiosk, json.dumps({"v": 1, "request_id": "g", "service": "A", "guest": {"name": 5}}).encode()),
        (f"counter/{rng.randrange(10**15)}/cmd", b'{"v":1,"action":"next","request_id":"u"}'),
        (f"counter/9{rng.randrange(100)}/cmd", b"next"),
        ("counter/1/cmd", json.dumps({"v": 1, "action": "dance", "request_id": nasty_id}).encode()),
        ("counter/1/cmd", bytes(rng.randrange(256) for _ in range(32))),
        ("counter/1/cmd", b'{"v":1,"action":"next","request_id":["x"]}'),
        ("counter/1/cmd", json.dumps({"v": 1, "action": "transfer", "request_id": "t" * 30_000}).encode()),
        ("counter/1/cmd", b"[" * 3000),
    ]
    return kinds[rng.randrange(len(kinds))]


def packets(seed: int, count: int = 400) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        suffix, payload = junk(rng)
        qos = 1 if n % 4 == 0 else 0
        out.append(publish_packet(f"antre/{SITE}/{suffix}", payload, qos, packet_id=n % 65535 + 1))
    return out


def flood(port: int, seconds: float, seed: int, rate: float = 0) -> int:
    """Send junk for ``seconds`` (at most ``rate`` a second unless 0); the number of messages sent."""
    pool = packets(seed)
    batches = [b"".join(pool[i : i + 8]) for i in range(0, len(pool), 8)]
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(connect_packet(f"junk-{seed}-{time.time_ns() % 10**9}"))
    if sock.recv(4)[:1] != b"\x20":
        raise RuntimeError("no CONNACK")
    threading.Thread(target=_drain, args=(sock,), daemon=True).start()
    print("ready", flush=True)  # the flood starts now: the caller's clock starts here
    sent = 0
    started = time.monotonic()
    deadline = started + seconds
    try:
        while (now := time.monotonic()) < deadline:
            if rate and sent > rate * (now - started):
                time.sleep(8 / rate)
                continue
            sock.sendall(batches[sent // 8 % len(batches)])
            sent += 8
    except OSError:
        pass  # the broker went away: what was sent stands
    finally:
        sock.close()
    return sent


def _drain(sock: socket.socket) -> None:
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


if __name__ == "__main__":
    port, seconds, seed = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    print(flood(port, seconds, seed, float(sys.argv[4]) if len(sys.argv) > 4 else 0), flush=True)

"""The console's server from the lobby network's side: what a stranger's requests get back."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=15, follow_redirects=False)


def test_no_version_banner_and_strict_headers(staff_hub) -> None:
    _hub, base = staff_hub
    with _client(base) as client:
        answer = client.get("/signin")
    assert answer.status_code == 200
    assert "server" not in answer.headers
    assert answer.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["cache-control"] == "no-store"
    assert "Masuk ke Konsol Petugas" in answer.text


def test_a_non_numeric_or_huge_content_length_is_refused_cleanly(staff_hub) -> None:
    _hub, base = staff_hub
    host, port = urlsplit(base).hostname, urlsplit(base).port
    for length, status in ((b"abc", b"400"), (b"99999999", b"413")):
        with socket.create_connection((host, port), timeout=15) as sock:
            head = b"POST /api/v1/signin HTTP/1.1\r\nHost: x\r\nContent-Length: " + length
            sock.sendall(head + b"\r\n\r\n")
            assert sock.recv(200).split(b" ")[1] == status


def test_a_cross_site_form_post_is_refused(staff_hub) -> None:
    _hub, base = staff_hub
    with _client(base) as client:
        forged = client.post("/signin", data={"officer": "budi", "secret": "x"},
                             headers={"Origin": "http://evil.example"})  # fmt: skip
        assert forged.status_code == 403
        own = client.post("/signin", data={"officer": "budi", "secret": "x"}, headers={"Origin": base})
        assert own.status_code == 401 and "salah" in own.text


def test_a_slow_client_is_dropped_after_the_deadline(staff_hub) -> None:
    """A client that trickles its request head is cut off (the old server held it for ever)."""
    _hub, base = staff_hub
    host, port = urlsplit(base).hostname, urlsplit(base).port
    with socket.create_connection((host, port), timeout=60) as sock:
        sock.sendall(b"GET /signin HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 60:
            try:
                sock.sendall(b"X-Slow: 1\r\n")
                if sock.recv(1, socket.MSG_DONTWAIT) == b"":
                    closed = True
                    break
            except BlockingIOError:
                pass
            except OSError:
                closed = True
                break
            time.sleep(1)
        assert closed, "the server kept a trickling client for a minute"

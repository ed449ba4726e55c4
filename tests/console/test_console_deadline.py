"""The request deadline (``broker.console.slow_clients``) on the console's own server, with a short
deadline: it cuts a client that trickles its request, never a kept-alive connection that is busy
with one request after another (found by ``bench/console_bench.py``: httpx got "Server
disconnected without sending a response" after 10 s of back-to-back page loads)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from broker.console.server import ConsoleServer
from broker.console.settings import ConsoleSettings
from tests.support import free_port, wait_until

DEADLINE_S = 0.3


async def _ok(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


@pytest.fixture
def server() -> Iterator[ConsoleServer]:
    app = Starlette(routes=[Route("/", _ok)])
    served = ConsoleServer(app, ConsoleSettings("127.0.0.1", free_port(), None, None), DEADLINE_S)
    served.start()
    wait_until(lambda: served.server.started, 30, "the console server")
    yield served
    served.stop()


def test_a_busy_kept_alive_connection_outlives_the_deadline(server: ConsoleServer) -> None:
    answered = 0
    with httpx.Client(base_url=server.url, timeout=15) as client:
        ends = time.monotonic() + 8 * DEADLINE_S
        while time.monotonic() < ends:
            assert client.get("/").text == "ok"  # one connection throughout (keep-alive)
            answered += 1
    assert answered > 10


def test_a_trickling_client_is_still_cut_off(server: ConsoleServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 30 and not closed:
            try:
                sock.sendall(b"X-Slow: 1\r\n")
                closed = sock.recv(1, socket.MSG_DONTWAIT) == b""
            except BlockingIOError:
                pass
            except OSError:
                closed = True
            time.sleep(0.05)
        assert closed, "the server kept a trickling client"

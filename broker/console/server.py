"""uvicorn serving the console's ASGI app from a thread of the hub process.

The socket is bound when the server is made, so a port in use fails the hub's start with a clear
message rather than later in a thread. No ``Server:`` banner, no access log (a URL may carry a
request's number; the console logs what matters itself), small header limits, a cap on open
connections, and slow clients dropped (``slow_clients``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading

import uvicorn
from starlette.types import ASGIApp

from broker.console.settings import ConsoleSettings
from broker.console.slow_clients import REQUEST_DEADLINE_S, with_deadline

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 64  # a lobby has a dozen staff devices; past this, 503 rather than a thread each
HEADER_LIMIT = 16 * 1024  # bytes of an incomplete request head


class ConsoleServer:
    def __init__(
        self, app: ASGIApp, where: ConsoleSettings, request_deadline_s: float = REQUEST_DEADLINE_S
    ) -> None:
        self.where = where
        self.config = uvicorn.Config(
            app,
            host=where.host,
            port=where.port,
            http=with_deadline(request_deadline_s),
            ws="none",
            lifespan="off",
            server_header=False,
            date_header=True,
            access_log=False,
            log_config=None,
            timeout_keep_alive=5,
            timeout_graceful_shutdown=2,
            limit_concurrency=MAX_CONNECTIONS,
            h11_max_incomplete_event_size=HEADER_LIMIT,
            ssl_certfile=str(where.cert) if where.cert else None,
            ssl_keyfile=str(where.key) if where.key else None,
            ssl_ciphers="ECDHE+AESGCM:ECDHE+CHACHA20",  # forward secrecy only, as the broker's
        )
        self.config.load()
        if self.config.ssl is not None:
            self.config.ssl.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            self.socket = self.config.bind_socket()
        except SystemExit as exc:  # uvicorn exits on a bind error; the hub wants an exception
            raise OSError(f"the console cannot listen on {where.host}:{where.port}") from exc
        self.server = uvicorn.Server(self.config)
        self._thread = threading.Thread(target=self._serve, name="console", daemon=True)

    @property
    def port(self) -> int:
        return int(self.socket.getsockname()[1])

    @property
    def url(self) -> str:
        return self.where.base_url(self.port)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        with contextlib.suppress(OSError):
            self.socket.close()

    def _serve(self) -> None:
        try:
            asyncio.run(self.server.serve(sockets=[self.socket]))
        except Exception:
            log.exception("the console server stopped")

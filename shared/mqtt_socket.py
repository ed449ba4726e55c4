"""A read buffer under paho's socket: one ``recv`` a burst instead of three or four a message.

paho reads each packet with a ``recv(1)`` for its type, one ``recv(1)`` per byte of its length
and one for its body, each a system call that lets go of the GIL and must win it back. Under a
junk flood the hub's network thread spent a fifth of its time there (py-spy, bench/README.md),
reading the messages in front of a desk's command one by one. ``BufferedSocket`` asks the kernel
for up to ``CHUNK`` bytes at once and hands paho its small reads from memory; its ``pending()``
(which paho already asks of TLS sockets) makes paho's loop read on without waiting in ``select``
while bytes are buffered. Writes and everything else go straight to the socket beneath.

``BufferedClient`` is paho's client with its sockets so wrapped (plain TCP and TLS; a websocket
transport is left as paho makes it). It overrides paho's ``_create_socket``: should a paho release
drop that method, the override is simply never called and paho reads as it always did.
"""

from __future__ import annotations

import select
from typing import Any

import paho.mqtt.client as paho

CHUNK = 64 * 1024


class BufferedSocket:
    """Wraps a non-blocking socket (or ``ssl.SSLSocket``) with a read buffer; reads from one thread."""

    __slots__ = ("_at", "_data", "_sock")

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._data = b""
        self._at = 0  # how much of _data paho has taken

    def recv(self, bufsize: int) -> bytes:
        left = len(self._data) - self._at
        if left <= 0:
            data = self._sock.recv(max(bufsize, CHUNK))  # BlockingIOError, b"" at EOF: as the socket's
            if len(data) <= bufsize:
                self._data, self._at = b"", 0
                return data
            self._data, self._at = data, bufsize
            return data[:bufsize]
        start = self._at
        if bufsize >= left:
            data = self._data[start:] if start else self._data
            self._data, self._at = b"", 0
            return data
        self._at = start + bufsize
        return self._data[start : self._at]

    def pending(self) -> int:
        """Bytes readable without the kernel: buffered here, or held by TLS (paho skips ``select``)."""
        inner = self._sock.pending() if hasattr(self._sock, "pending") else 0
        return len(self._data) - self._at + inner

    def fileno(self) -> int:
        return int(self._sock.fileno())

    def __getattr__(self, name: str) -> Any:  # send, close, setblocking, setsockopt, ...
        return getattr(self._sock, name)


class BufferedClient(paho.Client):
    """paho's client reading through a ``BufferedSocket``."""

    def readable(self) -> bool:
        """Whether a message has arrived that this client's network thread has not read yet (bytes
        in its buffer or on its socket); ``False`` while not connected."""
        sock = self._sock
        if sock is None:
            return False
        try:
            if isinstance(sock, BufferedSocket) and sock.pending():
                return True
            return bool(select.select([sock], [], [], 0)[0])
        except (OSError, ValueError):  # closed meanwhile
            return False

    def unacknowledged(self) -> int:
        """QoS 1 and 2 messages published and not yet acknowledged by the broker (in flight, or
        queued behind paho's in-flight window). Read from paho's own queue, which has no public
        count; should a paho release rename it, this says 0."""
        return len(getattr(self, "_out_messages", ()))

    def _create_socket(self) -> Any:
        sock = super()._create_socket()
        if getattr(self, "_transport", "tcp") == "websockets":
            return sock
        return BufferedSocket(sock)

"""A PNG of exactly what the window drew, for ``--screenshot`` and the tests: the one PNG encoder
of every app (``shared.kivy_base.window`` uses it too).

Why not ``Window.screenshot()``: Kivy 2.3.1 reads the frame as packed RGB, and at a width that is
not a multiple of 4 (1366 px, the commonest cheap TV panel) the rows come out skewed into a slanted
smear. Reading RGBA (4 bytes a pixel, so every row is aligned) and writing the PNG ourselves is
exact at every size. Call ``capture`` on Kivy's main thread once a frame is drawn (from a
``Window.on_flip`` handler: drawn and not yet swapped).
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path


def _png(width: int, height: int, rgb_rows_top_first: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", rgb_rows_top_first)
        + chunk(b"IEND", b"")
    )


def encode_png(width: int, height: int, rgba_bottom_up: bytes) -> bytes:
    """A PNG from OpenGL's RGBA pixels (rows bottom first); the alpha channel is dropped."""
    rgb = bytearray(width * height * 3)
    for channel in range(3):
        rgb[channel::3] = rgba_bottom_up[channel::4]
    stride = width * 3
    rows = b"".join(
        b"\x00" + bytes(rgb[y * stride : (y + 1) * stride]) for y in range(height - 1, -1, -1)
    )  # filter byte 0 (none) before each row, top row first
    return _png(width, height, zlib.compress(rows, 6))


def capture(path: str | Path) -> Path:
    """Write the window's current frame to ``path`` (atomically: a reader never sees half a file)."""
    from kivy.core.window import Window
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels

    width, height = (int(v) for v in Window.size)
    pixels = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(encode_png(width, height, pixels))
    os.replace(partial, target)
    return target

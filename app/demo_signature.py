"""A made-up signature for demonstration cases, scripts and tests: a PNG drawn without Qt.

Demo data (``app.demo_cases``) and the tests that submit an item whose definition asks for a signature need
one without a pad or a GUI; this draws a wavy pen line with a flourish in pure Python (zlib PNG), different
for each ``seed``, at the pad's size (600x200), dark ink on a transparent ground.
"""

from __future__ import annotations

import math
import struct
import zlib
from functools import cache
from itertools import pairwise

WIDTH, HEIGHT = 600, 200


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_from_alpha(alpha: bytearray, width: int, height: int, ink: tuple[int, int, int] = (16, 32, 74)) -> bytes:
    """An RGBA PNG of one ink colour whose coverage is ``alpha`` (one byte a pixel, rows top down)."""
    rows = bytearray()
    r, g, b = ink
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows += bytes((r, g, b, alpha[y * width + x]))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) \
        + _chunk(b"IEND", b"")


@cache
def demo_signature_png(seed: int = 0) -> bytes:
    """A signature-like stroke, the same for the same seed."""
    alpha = bytearray(WIDTH * HEIGHT)
    phase = seed * 0.7
    points = [(40 + t * 5.2, 100 + 45 * math.sin(t / 6 + phase) * math.cos(t / 17)) for t in range(100)]
    points += [(60 + t * 4.8, 160 - t * 0.25) for t in range(100)]  # the underline flourish
    for (x0, y0), (x1, y1) in pairwise(points):
        if abs(x1 - x0) > 30:
            continue  # the jump between the two strokes is not drawn
        steps = max(1, int(max(abs(x1 - x0), abs(y1 - y0))))
        for i in range(steps + 1):
            x = x0 + (x1 - x0) * i / steps
            y = y0 + (y1 - y0) * i / steps
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    px, py = int(x) + dx, int(y) + dy
                    if 0 <= px < WIDTH and 0 <= py < HEIGHT and dx * dx + dy * dy <= 5:
                        alpha[py * WIDTH + px] = 255
    return png_from_alpha(alpha, WIDTH, HEIGHT)

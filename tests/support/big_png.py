"""A huge but small PNG written row by row (no picture in memory): the decompression stress test."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # PNG spec §5.2


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC (PNG spec §5.3)."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_big_png(path: Path, width: int, height: int) -> None:
    """An 8-bit RGB PNG of width x height px, left half blue and right half orange."""
    row = b"\x00" + bytes((20, 60, 200)) * (width // 2) + bytes((200, 120, 40)) * (width - width // 2)
    packer = zlib.compressobj(1)
    with path.open("wb") as out:
        out.write(PNG_SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        for _ in range(height):
            if block := packer.compress(row):
                out.write(_chunk(b"IDAT", block))
        out.write(_chunk(b"IDAT", packer.flush()) + _chunk(b"IEND", b""))

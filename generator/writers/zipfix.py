"""Deterministic zip packages: DOCX and XLSX are zips whose entry times would change every build.

The zip is written here rather than through ``zipfile``, in the same bytes ``zipfile`` writes
(deflate at zlib's default level, no extra fields, UTF-8 flag on non-ASCII names), so that an
entry deflated once (a part every package shares, see ``Deflated``) is not deflated again for
each package.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime

# The records' signatures; their fields are written little-endian (_h, _l) as zipfile's struct
# formats pack them (structFileHeader, structCentralDir, structEndArchive): struct cost 0.4 ms.
_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
_LOCAL_SIZE = 30  # the local header's bytes before the name
_VERSION = 20  # deflate: the version zipfile writes as "made by" and "needed to extract"
_DEFLATED = 8
_UTF8_NAME = 0x800
_ATTRIBUTES = 0o644 << 16  # rw-r--r--, the host system MS-DOS (0)
# zipfile writes ZIP64 fields past these; packages this big are not written here
_LIMIT = (1 << 31) - 1
_MAX_ENTRIES = 0xFFFF


class Deflated:
    """An entry's data already deflated: its CRC-32 and size, and the raw deflate stream (a class
    of its own: a namedtuple took 0.25 ms to define)."""

    __slots__ = ("crc", "size", "stream")

    def __init__(self, crc: int, size: int, stream: bytes) -> None:
        self.crc, self.size, self.stream = crc, size, stream


def _h(value: int) -> bytes:
    return value.to_bytes(2, "little")


def _l(value: int) -> bytes:
    return value.to_bytes(4, "little")


def deflated(data: bytes) -> Deflated:
    """``data`` deflated as zipfile does (zlib's default level, a raw stream)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Deflated(zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush())


def zip_time(timestamp: str) -> tuple[int, int, int, int, int, int]:
    """ISO 8601 time → zip's (Y, M, D, h, m, s); zip holds 1980 to 2107 only."""
    dt = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if dt.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if dt.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second - dt.second % 2)


def zip_entries(entries: Iterable[tuple[str, bytes | Deflated]], timestamp: str) -> bytes:
    """A zip of ``(name, data)`` entries in their order, each deflated once (``Deflated`` data
    as it is), with fixed entry times and attributes."""
    year, month, day, hour, minute, second = zip_time(timestamp)
    when = _h(hour << 11 | minute << 5 | second // 2) + _h((year - 1980) << 9 | month << 5 | day)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = count = 0
    for name, data in entries:
        entry = data if isinstance(data, Deflated) else deflated(data)
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        size, packed = entry.size, len(entry.stream)
        if max(size, packed, offset) > _LIMIT or count >= _MAX_ENTRIES:
            raise ValueError(f"zip: {name} is past the size this writer handles")
        # flags, method, time, date, CRC-32, compressed and uncompressed size, name length
        fields = b"".join(
            (_h(flags), _h(_DEFLATED), when, _l(entry.crc), _l(packed), _l(size), _h(len(encoded)))
        )
        out += (_LOCAL, bytes((_VERSION, 0)), fields, b"\0\0", encoded, entry.stream)  # no extra field
        # made by and needed, fields, no extra field, comment, disk or internal attributes
        central += (
            _CENTRAL,
            bytes((_VERSION, 0, _VERSION, 0)),
            fields,
            bytes(8),
            _l(_ATTRIBUTES),
            _l(offset),
        )
        central.append(encoded)
        offset += _LOCAL_SIZE + len(encoded) + packed
        count += 1
    directory = b"".join(central)
    # disk numbers, entries on this disk and in all, the directory's size and offset, no comment
    end = (_END, bytes(4), _h(count), _h(count), _l(len(directory)), _l(offset), b"\0\0")
    return b"".join([*out, directory, *end])

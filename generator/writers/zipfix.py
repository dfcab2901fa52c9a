"""Deterministic zip packages: DOCX and XLSX are zips whose entry times would change every build.

The zip is written here rather than through ``zipfile``, in the same bytes ``zipfile`` writes
(deflate at zlib's default level, no extra fields, UTF-8 flag on non-ASCII names), so that an
entry deflated once (a part every package shares, see ``Deflated``) is not deflated again for
each package.
"""

from __future__ import annotations

import struct
import zlib
from collections import namedtuple
from collections.abc import Iterable
from datetime import datetime

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # as zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # as zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # as zipfile.structEndArchive
_VERSION = 20  # deflate: the version zipfile writes as "made by" and "needed to extract"
_DEFLATED = 8
_UTF8_NAME = 0x800
_ATTRIBUTES = 0o644 << 16  # rw-r--r--, the host system MS-DOS (0)
# zipfile writes ZIP64 fields past these; packages this big are not written here
_LIMIT = (1 << 31) - 1
_MAX_ENTRIES = 0xFFFF


TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import NamedTuple

    class Deflated(NamedTuple):  # the typed face of the namedtuple below
        crc: int
        size: int
        stream: bytes

else:
    # An entry's data already deflated: its CRC-32 and size, and the raw deflate stream.
    Deflated = namedtuple("Deflated", ("crc", "size", "stream"))


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
    date = (year - 1980) << 9 | month << 5 | day
    time = hour << 11 | minute << 5 | second // 2
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
        fields = (flags, _DEFLATED, time, date, entry.crc, packed, size, len(encoded))
        out += (_LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *fields, 0), encoded, entry.stream)
        central += (
            _CENTRAL.pack(b"PK\x01\x02", _VERSION, 0, _VERSION, 0, *fields, 0, 0, 0, 0, _ATTRIBUTES, offset),
            encoded,
        )
        offset += _LOCAL.size + len(encoded) + packed
        count += 1
    directory = b"".join(central)
    return b"".join(
        [*out, directory, _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)]
    )

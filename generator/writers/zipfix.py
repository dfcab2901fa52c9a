"""Deterministic zip packages: DOCX and XLSX are zips whose entry times would change every build."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import datetime


def zip_time(timestamp: str) -> tuple[int, int, int, int, int, int]:
    """ISO 8601 time → zip's (Y, M, D, h, m, s); zip holds 1980 to 2107 only."""
    dt = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if dt.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if dt.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second - dt.second % 2)


def zip_entries(entries: Iterable[tuple[str, bytes]], timestamp: str) -> bytes:
    """A zip of ``(name, bytes)`` entries in their order, each deflated once, with fixed entry
    times and attributes."""
    when = zip_time(timestamp)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            fixed = zipfile.ZipInfo(name, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            dst.writestr(fixed, data)
    return out.getvalue()

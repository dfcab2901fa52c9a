"""Deterministic zip packages: DOCX and XLSX are zips whose entry times would change every build."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime


def zip_time(timestamp: str) -> tuple[int, int, int, int, int, int]:
    """ISO 8601 time → zip's (Y, M, D, h, m, s); zip cannot hold dates before 1980."""
    dt = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if dt.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second - dt.second % 2)


def normalise_zip(data: bytes, timestamp: str) -> bytes:
    """Rewrite a zip with fixed entry times and attributes, keeping the entry order."""
    when = zip_time(timestamp)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()

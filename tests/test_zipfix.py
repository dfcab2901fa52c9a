"""The package zips: the same bytes zipfile writes for the same entries, an entry deflated
beforehand written as it is."""

from __future__ import annotations

import io
import zipfile

import pytest

from generator.writers.zipfix import deflated, zip_entries, zip_time

ENTRIES = [
    ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>' * 40),
    ("word/表.xml", "評価書の本文".encode() * 500),  # a non-ASCII name: the UTF-8 flag
    ("empty.xml", b""),
    ("noise.bin", bytes(range(256)) * 37),
]


def _through_zipfile(entries: list[tuple[str, bytes]], timestamp: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=zip_time(timestamp))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize("timestamp", ["2025-12-01T09:00:01+09:00", "1970-01-01T00:00:00Z"])
def test_zip_is_zipfiles_bytes(timestamp: str) -> None:
    assert zip_entries(ENTRIES, timestamp) == _through_zipfile(ENTRIES, timestamp)


def test_deflated_entry_is_written_as_given() -> None:
    mixed = [(name, deflated(data) if i % 2 else data) for i, (name, data) in enumerate(ENTRIES)]
    package = zip_entries(mixed, "2026-04-01T00:00:00Z")
    assert package == _through_zipfile(ENTRIES, "2026-04-01T00:00:00Z")
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        assert z.testzip() is None
        assert [(i.filename, z.read(i)) for i in z.infolist()] == ENTRIES

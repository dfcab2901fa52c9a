"""Writing outputs atomically: a reader (or an interrupted build) never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """``sync=False`` for caches: after a crash they may be lost, never half-written and read."""
    os.replace(write_temp(path, data, sync), path)


def write_temp(path: Path, data: bytes, sync: bool = True) -> Path:
    """``data`` in a new temp file beside ``path`` (``.<name>.<random>.tmp``), on disk when
    ``sync``: ``os.replace`` it to ``path`` to publish it whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)

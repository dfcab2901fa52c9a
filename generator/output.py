"""Writing outputs: only inside the output folder, and atomically, so that a reader (or an
interrupted build) never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .diagnostics import HyokaError


class OutputError(HyokaError):
    """An output that cannot or must not be written (exit status 1, no traceback)."""


def output_dir(out: Path, name: str) -> Path:
    """``out/<name>``, the folder of one document's outputs, refused unless it lies inside ``out``.

    ``name`` comes from a source folder's name: it must be one plain path component (not
    「.」, 「..」 or empty, as ``hyoka build .`` once gave), and ``out/<name>`` must not be a
    link leading out of ``out``, so that nothing is ever written or deleted elsewhere."""
    if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise OutputError(f"出力先の名前「{name}」は使えません（評価書フォルダの名前から作ります）。")
    target = out / name
    inside(out, target)
    return target


def inside(out: Path, path: Path) -> Path:
    """``path``, after checking that it resolves (links followed) to a place inside ``out``."""
    root = out.resolve()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise OutputError(f"{path}: 出力先のリンクが循環しています。") from None
    if resolved != root and not resolved.is_relative_to(root):
        raise OutputError(
            f"{path} は出力先フォルダ {out} の外（{resolved}）を指しています。"
            "出力先にあるシンボリックリンクを消すか、別の出力先を指定してください。"
        )
    return path


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """``sync=False`` for caches: after a crash they may be lost, never half-written and read."""
    temp = write_temp(path, data, sync)
    try:
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(f"{path}: 書き込めません（{exc.strerror}）。出力先を確認してください。") from None


def write_temp(path: Path, data: bytes, sync: bool = True) -> Path:
    """``data`` in a new temp file beside ``path`` (``.<name>.<random>.tmp``), on disk when
    ``sync``: ``os.replace`` it to ``path`` to publish it whole."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: 書き込めません（{exc.strerror}）。出力先を確認してください。") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: 書き込めません（{exc.strerror}）。出力先を確認してください。") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)

"""Writing outputs: only inside the output folder, and atomically, so that a reader (or an
interrupted build) never sees a half-written file."""

from __future__ import annotations

import errno
import os
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


# what tempfile.mkstemp opens with; made here, as tempfile (with shutil and random) would add 3 ms
# to every build's start
_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _create_temp(path: Path) -> tuple[int, str]:
    """A new file ``.<name>.<random>.tmp`` beside ``path``, only the user's (as ``mkstemp``)."""
    folder = os.path.abspath(path.parent)
    for _ in range(100):
        tmp = os.path.join(folder, f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "一時ファイルの名前が見つかりません", str(path.parent))


def temp_files(folder: Path, names: list[str]) -> list[Path]:
    """The temp files ``write_temp`` made beside ``folder``'s files ``names`` (``.<name>.*.tmp``,
    as a glob finds them), by name: one listing of the folder, no glob pattern compiled."""
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return []
    found = (
        e
        for prefix in (f".{name}." for name in names)
        for e in entries
        if e.startswith(prefix) and e.endswith(".tmp") and len(e) >= len(prefix) + 4
    )
    return [folder / e for e in dict.fromkeys(found)]


def write_temp(path: Path, data: bytes, sync: bool = True) -> Path:
    """``data`` in a new temp file beside ``path`` (``.<name>.<random>.tmp``), on disk when
    ``sync``: ``os.replace`` it to ``path`` to publish it whole."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temp(path)
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

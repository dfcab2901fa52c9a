"""The per-user cache (``$XDG_CACHE_HOME/hyoka``, else ``~/.cache/hyoka``): what a later run may
reuse to start faster, never what it needs. Outputs never depend on it; a cache that cannot be
made or written (a read-only home, a sandbox) only means doing the work again."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    import jinja2


def cache_dir(name: str) -> Path | None:
    """``<cache>/<name>``, made private to the user; None when it cannot be made or written."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        folder = (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "hyoka" / name
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


def jinja_bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: Jinja checks each against its template's source (and
    its own and Python's version), so an edited template is compiled again. Compiling the HTML
    writer's templates costs 20 ms a run."""
    folder = cache_dir("jinja")
    if folder is None:
        return None
    import jinja2

    class _Quiet(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            # a full disk, a folder made read-only since: compiled again next time
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                super().load_bytecode(bucket)

    return _Quiet(str(folder))

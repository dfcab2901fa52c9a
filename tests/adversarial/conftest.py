"""Fixtures of the adversarial suite: a fresh root per case, checked for writes outside the output."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import Root, changes, snapshot


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Root]:
    """A fresh root with one example; after the case, the folders beside the root (the temp dir's
    parent's entries) are the same as before: nothing was written above the root."""
    made = Root.make(tmp_path)
    above = tmp_path.parent
    before = {p.name for p in above.iterdir()}
    yield made
    after = {p.name for p in above.iterdir()}
    assert after == before, f"written beside the temp root: {sorted(after ^ before)}"
    assert not any((made.path / "tmp").iterdir()), "temp files left in TMPDIR"


def assert_untouched(root: Root, before: dict[str, object], *, outside: Path | None = None) -> None:
    after = root.snapshot(outside=outside)
    assert not changes(before, after), "written outside the output folder:\n" + "\n".join(
        changes(before, after)
    )


__all__ = ["assert_untouched", "snapshot"]

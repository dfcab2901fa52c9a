"""generator.commands.build: the cyclic garbage collector paused for a build, as it was after."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from generator.commands import build
from tests.conftest import SOURCES


@pytest.mark.parametrize("enabled", [True, False])
def test_a_build_pauses_the_collector_and_leaves_it_as_it_was(
    enabled: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    plan = build.plan

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return plan(*args, **kwargs)

    monkeypatch.setattr(build, "plan", watched)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert build.run([SOURCES / "mihon-jidofuyo"], tmp_path, ["html"], quiet=True, jobs=1) == 0
        assert seen == [False] and gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()

"""Every example against its published seed, in every format (issues 3 and 4 acceptance).

``tests/fidelity.py SEED out/<folder>/<folder>.<fmt>`` (seeds in ``tests/reference/seeds``): recall ≥ 0.98 and precision ≥ 0.95 for each
seed and format; the 旭川市 example, transcribed from a clean extraction, keeps recall ≥ 0.99.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import SEEDS, run_cli

EXAMPLES = {
    "asahikawa-kenkozoshin": ("001_ed1538986043b221.txt", 0.99),
    "atsugi-kokuho": ("003_a254beb0297f7ce1.txt", 0.98),
    "kumagaya-yobosesshu": ("004_0b28404257a494a0.txt", 0.98),
}
FORMATS = ("html", "docx", "xlsx")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "out"
    result = run_cli("build", "sources", "--out", str(out), "--quiet", "--format", ",".join(FORMATS))
    assert result.code == 0, result.describe()
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_reproduces_its_seed(built: Path, fidelity: ModuleType, name: str, fmt: str) -> None:
    seed_name, min_recall = EXAMPLES[name]
    seed = (SEEDS / seed_name).read_text(encoding="utf-8")
    path = built / name / f"{name}.{fmt}"
    recall, precision, missing = fidelity.measure(seed, fidelity.output_blocks([path]))
    worst = "\n".join(m[:100] for m in sorted(missing, key=len, reverse=True)[:10])
    print(f"{name} {fmt}: recall {recall:.4f} precision {precision:.4f}")
    assert recall >= min_recall, f"recall {recall:.4f}; missing:\n{worst}"
    assert precision >= 0.95, f"precision {precision:.4f}"

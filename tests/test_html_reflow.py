"""The HTML page in Chromium from a phone (390 px) to a desktop (1280 px): no sideways scrolling of
the document text, Latin words and numbers never split, and no line begins with 「。」 (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Reporter
from generator.pipeline import layout, load_all
from generator.writers import html
from tests.browser import chromium

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "sources").iterdir() if (p / "0_表紙.yaml").exists())
WIDTHS = (390, 1280)

pytestmark = pytest.mark.slow

# Per element: does its content overflow it sideways (a cell narrower than a word, a table wider
# than the page)? And per text node line box: which characters begin a line?
_MEASURE = """
() => {
  const root = document.scrollingElement;
  const overflowing = [];
  for (const el of document.querySelectorAll('main, table, tr, th, td, div, p')) {
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible') {
      overflowing.push(el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40));
    }
  }
  const starts = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    let top = null;
    for (let i = 0; i < text.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (top !== null && rect.top > top + 2 && text[i].trim()) {
        starts.push(text.slice(Math.max(0, i - 6), i) + '|' + text.slice(i, i + 6));
      }
      top = rect.top;
    }
  }
  return {scroll: root.scrollWidth, client: root.clientWidth, overflowing, starts};
}
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("html")
    paths = []
    for folder in EXAMPLES:
        reporter = Reporter()
        [loaded] = load_all([folder], reporter)
        assert loaded.assessment is not None
        path = out / f"{folder.name}.html"
        path.write_bytes(html.render(layout(loaded.assessment)))
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def measured(pages: list[Path]) -> dict[tuple[str, int], dict]:
    results = {}
    with chromium() as browser:
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for path in pages:
                page.goto(path.as_uri())
                results[(path.stem, width)] = page.evaluate(_MEASURE)
            page.close()
    return results


@pytest.mark.parametrize("width", WIDTHS)
def test_no_sideways_scrolling(measured, width: int) -> None:
    for (name, w), result in measured.items():
        if w != width:
            continue
        print(f"{name} @ {width}px: scrollWidth {result['scroll']} / clientWidth {result['client']}")
        assert result["scroll"] <= result["client"], (name, width, result["scroll"], result["client"])
        assert result["overflowing"] == [], (name, width, result["overflowing"][:5])


@pytest.mark.parametrize("width", WIDTHS)
def test_latin_words_and_numbers_stay_whole_and_no_line_starts_with_a_closing_mark(
    measured, width: int
) -> None:
    for (name, w), result in measured.items():
        if w != width:
            continue
        split_words = [
            s
            for s in result["starts"]
            if s.split("|")[0][-1:].isascii()
            and s.split("|")[0][-1:].isalnum()
            and s.split("|")[1][:1].isascii()
            and s.split("|")[1][:1].isalnum()
        ]
        closing = [s for s in result["starts"] if s.split("|")[1][:1] in "。、）」』"]
        assert split_words == [], (name, width, split_words[:5])
        assert closing == [], (name, width, closing[:5])

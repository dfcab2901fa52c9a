"""Find shared block versions in printed text: exact runs become references, near ones are reported.

Both sides are compared as printed lines, folded (NFKC, no white space), so a text copied from a
PDF or a workbook matches the block it was pasted from whatever its widths and wrapping. A block
with parameters (``{{ 団体 }}``) matches any value in their place; the values found become the
reference's ``params``.
"""

from __future__ import annotations

import difflib
import re

from ..blocks.library import Library
from ..markup import plain_text, render_markdown
from ..records import dataclass
from .labels import fold

# private-use marks: Markdown keeps them (it turns NUL into U+FFFD)
_SENTINEL = "\ue000{}\ue001"


@dataclass(frozen=True)
class Candidate:
    block_id: str
    version: str
    effective: str
    lines: tuple[str, ...]  # folded printed lines; a parameter is a regex group
    patterns: tuple[re.Pattern[str] | None, ...]  # per line: None when the line has no parameter
    params: tuple[str, ...]
    text: str  # printed text (parameters shown as {{ name }}), for diffs
    raw: tuple[str, ...] = ()  # printed lines as they are: breaks a tie between variants of one text

    @property
    def ref(self) -> str:
        return f"{self.block_id}@{self.version}"


@dataclass(frozen=True)
class Match:
    start: int  # line index in the text
    end: int
    candidate: Candidate
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Near:
    candidate: Candidate
    ratio: float
    diff: str


def printed_lines(markdown: str) -> list[str]:
    return [ln for ln in plain_text(render_markdown(markdown)).split("\n") if ln.strip()]


def candidates(library: Library) -> list[Candidate]:
    from ..blocks import render as r

    out: list[Candidate] = []
    for block_id in library.ids():
        block = library.get(block_id)
        if block is None:
            continue
        for v in block.versions:
            names = tuple(sorted(r.variables(v.text)))
            try:
                text = r.render(v.text, {n: _SENTINEL.format(i) for i, n in enumerate(names)})
            except r.RenderError:
                continue
            lines = printed_lines(text)
            folded = []
            patterns: list[re.Pattern[str] | None] = []
            for line in lines:
                bare = line.strip(" \t")
                folded.append(fold(re.sub("\ue000\\d+\ue001", "", bare)))
                if "\ue000" in bare:
                    parts = re.split("\ue000(\\d+)\ue001", bare)
                    rx, seen = "", set()
                    for k, p in enumerate(parts):
                        if k % 2 == 0:
                            rx += re.escape(p)
                        else:  # a parameter used twice on a line must have one value
                            rx += f"(?P=p{p})" if p in seen else f"(?P<p{p}>.+?)"
                            seen.add(p)
                    patterns.append(re.compile(rx + "$"))
                else:
                    patterns.append(None)

            def placeholder(m: re.Match[str], names: tuple[str, ...] = names) -> str:
                return "{{ " + names[int(m[1])] + " }}"

            shown = re.sub("\ue000(\\d+)\ue001", placeholder, "\n".join(lines))
            out.append(
                Candidate(
                    block_id,
                    v.version,
                    v.effective.isoformat(),
                    tuple(folded),
                    tuple(patterns),
                    names,
                    shown,
                    tuple(ln.strip(" \t") for ln in lines),
                )
            )
    # newest first within a block, so an identical text in two versions takes the newer
    out.sort(key=lambda c: (c.block_id, c.effective), reverse=True)
    return out


class Matcher:
    def __init__(self, library: Library) -> None:
        self.candidates = candidates(library)
        self._by_first: dict[str, list[Candidate]] = {}
        self._param_first: list[Candidate] = []
        for c in self.candidates:
            if not c.lines:
                continue
            if c.patterns[0] is None:
                self._by_first.setdefault(c.lines[0], []).append(c)
            else:
                self._param_first.append(c)

    def exact(self, lines: list[str]) -> list[Match]:
        """Non-overlapping runs of ``lines`` that print a block version exactly (white space at
        the ends of a line aside), longest first. Texts that differ in any character, widths
        included (「ＬＡＮ」, 「LAN」), are not the block: ``nearest`` reports them."""
        raw = [ln.strip(" \t") for ln in lines]
        folded = [fold(ln) for ln in lines]
        found: list[Match] = []
        i = 0
        while i < len(raw):
            best: Match | None = None
            options = self._by_first.get(folded[i], []) + self._param_first
            for c in options:
                n = len(c.lines)
                if i + n > len(raw) or (best and n <= best.end - best.start):
                    continue
                params = _match_run(c, raw[i : i + n])
                if params is not None:
                    best = Match(i, i + n, c, params)
            if best:
                found.append(best)
                i = best.end
            else:
                i += 1
        return found

    def nearest(self, text: str, limit: int = 5, minimum: float = 0.0, part: bool = False) -> list[Near]:
        """Block versions ranked by similarity to ``text`` (folded), with a character diff;
        ``part``: a text that is part of a block ranks by how much of it the block holds."""
        target = fold(text)
        sm = difflib.SequenceMatcher(None, "", target, autojunk=False)  # b's index built once
        scored = []
        for c in self.candidates:
            joined = "".join(c.lines)
            if 2 * min(len(joined), len(target)) / max(len(joined) + len(target), 1) < minimum:
                continue  # the ratio cannot reach the minimum with lengths this far apart
            sm.set_seq1(joined)
            floor = max(minimum, 0.3)
            if not part and (sm.real_quick_ratio() < floor or sm.quick_ratio() < floor):
                continue
            ratio = sm.ratio()
            if part and len(target) < len(joined):
                # a paragraph pasted from a longer block: how much of it the block holds
                held = sum(b.size for b in sm.get_matching_blocks()) / max(len(target), 1)
                ratio = max(ratio, held * 0.99)
            if ratio >= minimum:
                scored.append((ratio, c))
        scored.sort(key=lambda x: -x[0])
        if len(scored) > 1:
            # variants that fold alike (「＜」, 「<」): the one closer to the text as written first
            bare = re.sub(r"\s+", "", text)
            top = scored[0][0]
            tied = [(r, c) for r, c in scored if top - r < 1e-9]
            tied.sort(
                key=lambda x: -difflib.SequenceMatcher(None, re.sub(r"\s+", "", x[1].text), bare).ratio()
            )
            scored = tied + scored[len(tied) :]
        return [Near(c, ratio, char_diff("".join(c.lines), target)) for ratio, c in scored[:limit]]


def _match_run(c: Candidate, lines: list[str]) -> tuple[tuple[str, str], ...] | None:
    values: dict[str, str] = {}
    for want, pattern, got in zip(c.raw, c.patterns, lines, strict=True):
        if pattern is None:
            if want != got:
                return None
            continue
        m = pattern.match(got)
        if not m:
            return None
        for group, value in m.groupdict().items():
            name = c.params[int(group[1:])]
            if values.setdefault(name, value) != value:
                return None
    return tuple(sorted(values.items()))


def char_diff(before: str, after: str) -> str:
    """「…[-稼動-]{+稼働+}…」: what changed, with a little context around each change."""
    sm = difflib.SequenceMatcher(None, before, after, autojunk=False)
    out: list[str] = []
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op == "equal":
            seg = before[a0:a1]
            out.append(seg if len(seg) <= 16 else seg[:8] + "…" + seg[-8:])
        else:
            if a1 > a0:
                out.append(f"[-{before[a0:a1]}-]")
            if b1 > b0:
                out.append(f"{{+{after[b0:b1]}+}}")
    return "".join(out)

"""Checking and rendering the block references of an assessment (the load/check stage).

Every problem is reported with the reference's file:line and item label before anything is
built; the builder then gets ``Resolved.text``, which returns a reference's Markdown.
"""

from __future__ import annotations

from ..diagnostics import Location, Reporter, display_path, in_rule_scope
from ..model import Assessment, BlockRef
from ..reader import suggest
from ..records import dataclass, field
from .library import Library
from .usage import block_refs, is_history, used_version

LIST_HINT = "使えるブロックは「hyoka blocks list」で確認できます。"


@dataclass
class Resolved:
    """Rendered Markdown of each reference that resolved."""

    texts: dict[BlockRef, str] = field(default_factory=dict)

    def text(self, ref: BlockRef) -> str:
        try:
            return self.texts[ref]
        except KeyError:
            # load_all reports every unresolved reference and stops the build before layout
            raise LookupError(f"{ref.loc}: 共通記載ブロック「{ref.id}」は解決されていません。") from None


def resolve_assessment(assessment: Assessment, library: Library, reporter: Reporter) -> Resolved:
    resolved = Resolved()
    for ref in block_refs(assessment):
        text = resolve(ref, library, reporter)
        if text is not None:
            resolved.texts[ref] = text
    return resolved


@in_rule_scope("B")  # 共通記載ブロック (README「検査」)
def resolve(ref: BlockRef, library: Library, reporter: Reporter) -> str | None:
    """The rendered text of one reference, or None after reporting why not."""
    from . import render  # here: an assessment without blocks does without it (0.4 ms of a build)

    block = library.get(ref.id)
    if block is None:
        if ref.id.strip() not in library.broken:  # a broken block file has its own error
            reporter.error(
                ref.loc,
                ref.label,
                f"共通記載ブロック「{ref.id}」はありません。{library.suggest(ref.id).strip()} {LIST_HINT}",
            )
        return None
    version = used_version(ref, block)
    if version is None:
        reporter.error(
            ref.loc,
            ref.label,
            f"共通記載ブロック「{block.id}」に版「{ref.version}」はありません。"
            f"版: {block.describe_versions()}。版を省くと最新版を使います。",
        )
        return None
    if ref.version is None and is_history(ref):
        reporter.warning(
            ref.loc,
            ref.label,
            f"（別添２）の共通記載ブロック「{block.id}」には version を書いてください。"
            f"書かないと、新しい版が出たときに変更当時の記載まで変わります（現在の最新版: {block.newest.version}）。",
            rule="B01",
        )
    params = dict(ref.params)
    for name in params:
        if name not in block.params:
            reporter.warning(
                ref.loc,
                ref.label,
                f"共通記載ブロック「{block.id}」にパラメータ「{name}」はありません（使われません）。"
                f"{suggest_param(name, block.params)}このブロックのパラメータ: {block.describe_params()}",
                rule="B02",
            )
    missing = [n for n in block.params if n in render.variables(version.text) and n not in params]
    if missing:
        names = "、".join(f"「{n}」" for n in missing)
        example = ", ".join(f"{n}: …" for n in missing)
        reporter.error(
            ref.loc,
            ref.label,
            f"共通記載ブロック「{block.id}」（版 {version.version}）のパラメータ{names}が指定されていません。"
            f"参照に params: {{{example}}} と書いてください。このブロックのパラメータ: {block.describe_params()}",
        )
        return None
    try:
        return render.render(version.text, params)
    except render.RenderError as exc:
        where = Location(display_path(block.path), version.text_line + max(exc.line - 1, 0), 1)
        reporter.error(ref.loc, ref.label, f"共通記載ブロック「{block.id}」（{where}）は{exc}。")
        return None


def suggest_param(name: str, params: dict[str, str]) -> str:
    hint = suggest(name, list(params)) if params else ""
    return hint.strip() + " " if hint else ""

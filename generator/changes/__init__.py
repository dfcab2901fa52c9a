"""（別添２） 変更箇所 from git history, and the review page of what changed.

* ``git``: the few git commands needed (``rev-parse``, ``ls-tree``, ``show``) as subprocesses.
* ``revision``: the assessment at a revision, materialised in a temporary folder and loaded like
  the working tree, so both sides go through the same reader, rules and block resolution.
* ``compare``: two lists of printed items (``generator.layout.items``) → changes, one per
  changed item, with new and removed repeated blocks (委託事項3, システム2 …) as one change each.
* ``rows``: changes → proposed （別添２） rows (変更日, 項目, 変更前/変更後の記載, 提出時期, 説明).
* ``annex2``: appending rows to ``9_変更箇所.yaml`` as text, idempotently, verified by re-reading.
* ``page``: the HTML review page with the changed characters marked.
"""

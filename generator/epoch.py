"""SOURCE_DATE_EPOCH: the time written into outputs for reproducible builds, read in one place."""

from __future__ import annotations

import os

from .diagnostics import HyokaError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from datetime import datetime

# the last second datetime can hold (9999-12-31T23:59:59Z)
LATEST = 253402300799


class EpochError(HyokaError):
    """SOURCE_DATE_EPOCH is set to something that is no time (exit status 1, no traceback)."""


def source_date_epoch() -> datetime | None:
    """The UTC time of SOURCE_DATE_EPOCH, or None when it is unset or empty."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(LATEST)) or int(text) > LATEST:
        shown = text if len(text) <= 30 else text[:30] + "…"
        raise EpochError(
            f"環境変数 SOURCE_DATE_EPOCH「{shown}」は使えません。1970-01-01 からの秒数を 0～{LATEST} の整数で"
            "指定するか、変数を消してください（出力に記録する日時に使います）。"
        )
    from datetime import UTC, datetime  # only when it is set: the check needs none of it (1.5 ms)

    return datetime.fromtimestamp(int(text), UTC)

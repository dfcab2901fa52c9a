"""The しきい値判断 of the 指針 (第5の2) as data: which assessment a 事務 must make.

guidelines.md §2.1 [S1][S3][S4][S5]: the inputs are ① 対象人数 (本人 in all 特定個人情報ファイル of the
事務), ② 取扱者数 (the 機関's and the 委託先's staff) and ③ a 特定個人情報 重大事故 of the 機関 within 1 year.

    対象人数          取扱者数 ≥ 500 or 重大事故   obligatory
    < 1,000           —                            none (任意)
    1,000 – 1万未満   —                            基礎
    1万 – 10万未満    no / yes                     基礎 / 基礎 + 重点 [K]
    10万 – 30万未満   no / yes                     基礎 + 重点 / 基礎 + 全項目
    ≥ 30万            —                            基礎 + 全項目

Levels are numbers so that 「at least」 compares: 0 none, 1 基礎, 2 重点, 3 全項目. Count classes are
read from the option labels themselves (「1万人以上10万人未満」), so every form's list works.
"""

from __future__ import annotations

import math
import unicodedata

NONE, KISO, JUTEN, ZENKOMOKU = 0, 1, 2, 3
LEVEL_NAMES = {
    NONE: "評価の義務なし",
    KISO: "基礎項目評価",
    JUTEN: "基礎項目評価及び重点項目評価",
    ZENKOMOKU: "基礎項目評価及び全項目評価",
}

# Option label → level, for the result items of both forms (基礎 Ⅲ, 重点 Ⅴ-1 ②) and 基礎 Ⅳ-1
RESULT_LEVELS: dict[str, int] = {
    # 基礎 Ⅲ しきい値判断結果
    "基礎項目評価及び全項目評価の実施が義務付けられる": ZENKOMOKU,
    "基礎項目評価及び重点項目評価の実施が義務付けられる": JUTEN,
    "基礎項目評価の実施が義務付けられる": KISO,
    "特定個人情報保護評価の実施が義務付けられない": NONE,
    # 重点 Ⅴ-1 ② (the voluntary 重点 says so in brackets)
    "基礎項目評価の実施が義務付けられる（任意に重点項目評価を実施）": KISO,
    "特定個人情報保護評価の実施が義務付けられない（任意に重点項目評価を実施）": NONE,
}
KIND_LEVELS: dict[str, int] = {
    "基礎項目評価書": KISO,
    "基礎項目評価書及び重点項目評価書": JUTEN,
    "基礎項目評価書及び全項目評価書": ZENKOMOKU,
}

_SIDES = ("以上", "未満")


def count_range(label: str | None) -> tuple[float, float] | None:
    """「1万人以上10万人未満」 → (10000, 100000); 「1,000人未満（任意実施）」 → (0, 1000);
    「30万人以上」 → (300000, inf); None for an empty or unreadable label."""
    if not label:
        return None
    text = unicodedata.normalize("NFKC", label)
    lo, hi = 0.0, math.inf
    found = False
    for number, man, side in _bounds(text):
        value = float(number.replace(",", "")) * (10000 if man else 1)
        found = True
        if side == "以上":
            lo = value
        else:
            hi = value
    return (lo, hi) if found else None


def _bounds(text: str) -> list[tuple[str, str, str]]:
    """``re.findall(r"([0-9,]+)(万)?人(以上|未満)", text)``, read by hand (0.1 ms to compile)."""
    found = []
    at = text.find("人")
    while at >= 0:
        side = text[at + 1 : at + 3]
        end = at - 1 if text[at - 1 : at] == "万" else at
        start = end
        while start > 0 and text[start - 1] in "0123456789,":
            start -= 1
        if side in _SIDES and start < end:
            found.append((text[start:end], "万" if end < at else "", side))
        at = text.find("人", at + 1)
    return found


def obligation(people: tuple[float, float], many_staff: bool | None, incident: bool | None) -> set[int]:
    """Levels the table allows for a 対象人数 class; unknown 取扱者数 / 重大事故 (None) allow both rows.

    A class that straddles a boundary allows the levels of every row it touches."""
    lo, hi = people
    if many_staff or incident:
        aggravated = {True}
    elif many_staff is False and incident is False:
        aggravated = {False}
    else:
        aggravated = {True, False}
    levels: set[int] = set()
    for flag in aggravated:
        for start, end, plain, worse in _ROWS:
            if lo < end and hi > start:
                levels.add(worse if flag else plain)
    return levels


_ROWS = (
    (0, 1000, NONE, NONE),
    (1000, 10000, KISO, KISO),
    (10000, 100000, KISO, JUTEN),
    (100000, 300000, JUTEN, ZENKOMOKU),
    (300000, math.inf, ZENKOMOKU, ZENKOMOKU),
)


def level_of(result: str | None) -> int | None:
    return RESULT_LEVELS.get(result) if result else None

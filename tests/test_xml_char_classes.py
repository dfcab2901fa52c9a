"""The writers' character tests that replaced big regex classes (slow to compile at every start)
agree with the classes they replaced on every code point."""

import re

from generator.writers import docx_xml, xlsx, xmltext

ALL = [chr(c) for c in range(0x110000)]


def test_docx_is_plain_is_the_old_class_on_every_character():
    old = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
    differ = [ch for ch in ALL if docx_xml.is_plain(ch) != (not old.search(ch))]
    assert differ == []
    assert not docx_xml.is_plain("本文\n次の行") and docx_xml.is_plain("本文 (A&B)")


def test_sheet_chars_replace_what_the_old_class_replaced():
    old = re.compile(r"[\[\]:*?/\\\x00-\x1f\ud800-\udfff\ufffe\uffff]")
    text = "".join(ALL)
    assert xlsx.sheet_chars(text) == old.sub("_", text)
    assert xlsx.sheet_chars("別添1: 事務/概要?") == "別添1_ 事務_概要_"


def test_illegal_class_is_compiled_only_for_a_text_that_may_hold_one():
    """Each character ILLEGAL holds is one str.isprintable refuses and not one may_be_illegal
    takes out first, so a text may_be_illegal passes has none (isprintable is every character's)."""
    illegal = re.compile(xmltext.ILLEGAL)
    missed = [ch for ch in ALL if illegal.match(ch) and not xmltext.may_be_illegal(ch)]
    assert missed == []
    text = "".join(ALL)
    assert xmltext.replace_illegal(text) == illegal.sub("", text)
    assert xmltext.replace_illegal(text, "_") == illegal.sub("_", text)
    assert xmltext.replace_illegal("全角\u3000空白\n改行\tタブ\r") == "全角\u3000空白\n改行\tタブ\r"
    assert xmltext.replace_illegal("制御\x0b文字\ufffe") == "制御文字"
    assert not xmltext.may_be_illegal("本文\u3000(A&B)\n") and xmltext.has_illegal("a\x00")
    assert not xmltext.may_be_illegal("NBSP\u00a0は印字不可だが XML には書ける")

"""The writers' character tests that replaced big regex classes (slow to compile at every start)
agree with the classes they replaced on every code point."""

import re

from generator.writers import docx_xml, xlsx

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

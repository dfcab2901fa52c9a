"""The rule registry: ids, forms, and the id on every message a rule makes."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

from generator import rules
from generator.diagnostics import Location, Reporter, Severity
from generator.rules import registry
from generator.rules.registry import all_rules, rule, run_rules


class _Form:
    def __init__(self, kind: str) -> None:
        self.kind = kind


def test_every_rule_has_an_id_a_title_and_forms() -> None:
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    for r in rules:
        assert r.id and r.id[0].isupper(), r
        assert r.title, r.id
        assert r.forms and all(isinstance(k, str) and k.endswith("評価書") for k in r.forms), r.id


def test_messages_of_a_rule_carry_its_id_and_print_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_RULES", {})
    monkeypatch.setattr(registry, "_loaded", True)

    @rule("X01", forms=("試験様式",), title="試験")
    def noisy(a, form, report: Reporter) -> None:
        report.warning(Location("a.yaml", 3, 5), "表紙 公表日", "試験の警告です。")
        report.error(Location("a.yaml", 4, 1), "", "別の id を名乗るエラーです。", rule="X99")

    reporter = Reporter()
    run_rules(None, _Form("試験様式"), reporter)  # type: ignore[arg-type]
    warning, error = reporter.diagnostics
    assert warning.rule == "X01" and warning.severity is Severity.WARNING
    assert warning.format() == "a.yaml:3:5 警告 [X01] 「表紙 公表日」 試験の警告です。"
    assert error.rule == "X99"
    assert reporter.current_rule == ""  # the scope ends with the rule


def test_rules_run_only_for_their_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_RULES", {})
    monkeypatch.setattr(registry, "_loaded", True)
    ran: list[str] = []

    @rule("X01", forms=("試験様式",), title="試験")
    def one(a, form, report) -> None:
        ran.append("X01")

    @rule("X02", forms="別の様式", title="試験")  # a bare string is one form, not its characters
    def two(a, form, report) -> None:
        ran.append("X02")

    run_rules(None, _Form("試験様式"), Reporter())  # type: ignore[arg-type]
    assert ran == ["X01"]
    run_rules(None, _Form("別の様式"), Reporter())  # type: ignore[arg-type]
    assert ran == ["X01", "X02"]


def test_an_id_registered_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_RULES", {})

    @rule("X01", title="一つ目")
    def first(a, form, report) -> None: ...

    with pytest.raises(ValueError, match="X01"):

        @rule("X01", title="二つ目")
        def second(a, form, report) -> None: ...


def test_reader_and_yaml_messages_carry_their_scheme_ids(tmp_path: Path) -> None:
    from generator.pipeline import load_all

    folder = tmp_path / "sources" / "x"
    folder.mkdir(parents=True)
    (folder / "0_表紙.yaml").write_text("評価書名: [\n", encoding="utf-8")
    (folder / "1_基本情報.yaml").write_text("未知の項目: 1\n", encoding="utf-8")
    reporter = Reporter()
    load_all([folder], reporter)
    by_file: dict[str, set[str]] = {}
    for d in reporter.diagnostics:
        by_file.setdefault(Path(d.location.file).name, set()).add(d.rule)
    assert by_file["0_表紙.yaml"] == {"Y"}  # nothing else about a file that could not be read
    assert "S" in by_file["1_基本情報.yaml"]
    assert all(d.rule for d in reporter.diagnostics), [d.format() for d in reporter.diagnostics]


def test_module_names_are_those_pkgutil_finds(tmp_path: Path) -> None:
    """The rule modules are found without pkgutil (which imports inspect), as pkgutil finds them."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").touch()
    (tmp_path / "notpkg").mkdir()
    for name in ("b.py", "a.py", "__init__.py", "c.txt", "x.y.py", "ext.cpython-311-x86_64-linux-gnu.so"):
        (tmp_path / name).touch()
    for path in ([str(tmp_path)], list(rules.__path__)):
        expected = sorted(m.name for m in pkgutil.iter_modules(path))
        assert registry._module_names(path) == expected
    assert registry._module_names([str(tmp_path)]) == ["a", "b", "ext", "pkg"]


def test_each_module_listed_with_its_forms_registers_rules_for_those_forms_only() -> None:
    by_module: dict[str, set[str]] = {}
    for r in all_rules():
        by_module.setdefault(r.module.rsplit(".", 1)[1], set()).update(r.forms)
    assert registry.MODULE_FORMS
    for name, forms in registry.MODULE_FORMS.items():
        assert by_module.get(name, set()) == set(forms), name


@pytest.mark.parametrize("kind", ["基礎項目評価書", "重点項目評価書"])
def test_a_forms_check_imports_only_the_rule_modules_with_rules_for_it(kind: str) -> None:
    # in a fresh process: the rules a form's check runs are those it ran with every module
    # imported, and a 基礎 imports none of the modules listed for the 重点 only
    import json
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from generator.rules import registry\n"
        f"class Form:\n    kind = {kind!r}\n"
        "ran = [r.id for r in registry.rules_for(Form())]\n"
        "imported = sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('generator.rules.'))\n"
        "every = [r.id for r in registry.all_rules() if Form.kind in r.forms]\n"
        "print(json.dumps([ran, every, imported]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    ran, every, imported = json.loads(done.stdout)
    assert ran == every and len(ran) >= 3
    if kind == "基礎項目評価書":
        assert ran == ["C01", "T1", "T6"]
        others = {name for name, forms in registry.MODULE_FORMS.items() if forms and kind not in forms}
        assert len(others) >= 12 and not others & set(imported)
        assert "threshold" in imported and "values" not in imported  # values: a helper of the 重点's


def test_severity_is_one_of_three_ints_and_stays_so_through_pickling() -> None:
    # Severity is a light int class (an IntEnum before): the same order, words, text and identity
    import pickle

    levels = [Severity.ERROR, Severity.INFO, Severity.WARNING]
    assert sorted(levels) == [Severity.INFO, Severity.WARNING, Severity.ERROR] == [0, 1, 2]
    assert [s.word for s in sorted(levels)] == ["情報", "警告", "エラー"]
    assert (str(Severity.ERROR), f"{Severity.WARNING}", repr(Severity.INFO)) == (
        "2",
        "1",
        "<Severity.INFO: 0>",
    )
    for level in levels:
        assert pickle.loads(pickle.dumps(level)) is level  # a worker's diagnostics: `is ERROR` holds
    reporter = Reporter()
    reporter.error(Location("a.yaml"), "", "x")
    (back,) = pickle.loads(pickle.dumps(reporter)).errors
    assert back.severity is Severity.ERROR

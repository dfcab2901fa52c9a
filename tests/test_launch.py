"""generator.launch, the ``hyoka`` program's entry: the CLI imported with the collector paused and
two standard modules loaded when first called, every behaviour as without."""

from __future__ import annotations

import tomllib

from generator import __version__
from tests.conftest import REPO, bare_python, run_cli


def test_the_console_script_is_the_launcher() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"] == {"hyoka": "generator.launch:entry"}


def test_the_deferred_modules_load_when_first_called_and_work_as_their_own() -> None:
    probe = (
        "import sys\n"
        "from generator.launch import cli\n"
        "cli()._cliparse()\n"  # argparse's layer, as a command line other than a plain build needs it
        "print(sorted(m for m in ('urllib.parse', 'gettext', 'ipaddress') if m in sys.modules))\n"
        "from pathlib import Path\n"
        "print(Path('/a b/評価書').as_uri())\n"
        "import urllib.parse\n"
        "print(urllib.parse.__file__.endswith('parse.py'), urllib.parse.quote('a b'))\n"
        "import argparse, gettext\n"
        "print(argparse.ngettext('one', 'many', 1), argparse.ngettext('one', 'many', 2))\n"
        "print(gettext.__file__.endswith('gettext.py'), gettext.ngettext is not argparse.ngettext)\n"
    )
    assert bare_python(probe).splitlines() == [
        "[]",
        "file:///a%20b/%E8%A9%95%E4%BE%A1%E6%9B%B8",
        "True a%20b",
        "one many",
        "True True",
    ]


def test_an_attribute_of_a_deferred_module_asked_for_while_the_cli_is_imported_loads_it() -> None:
    probe = (
        "import sys\n"
        "from generator import launch\n"
        "stand_in = launch._stand_in('gettext', ('gettext',))\n"
        "assert sys.modules['gettext'] is stand_in\n"
        "from gettext import NullTranslations\n"  # not deferred: the module itself, at once
        "print(sys.modules['gettext'] is not stand_in, NullTranslations.__module__)\n"
    )
    assert bare_python(probe) == "True gettext\n"


def test_a_plain_import_of_a_deferred_module_during_the_cli_import_still_works_after() -> None:
    """``import urllib.parse`` under the stand-in left the ``urllib`` package without ``parse``:
    ``urllib.parse.quote`` raised AttributeError later (mimetypes imports it so)."""
    probe = (
        "import sys\n"
        "from generator import launch\n"
        "class First:\n"  # mimetypes imported while the CLI is, as a module of ours could
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'generator.cli':\n"
        "            import mimetypes\n"
        "sys.meta_path.insert(0, First())\n"
        "launch.cli()\n"
        "import mimetypes\n"
        "print(mimetypes.guess_type('a b.html')[0], __import__('urllib').parse.quote('a b'))\n"
    )
    assert bare_python(probe) == "text/html a%20b\n"


def test_the_collector_runs_after_the_import_as_it_did_before() -> None:
    probe = (
        "import gc\n"
        "from generator.launch import cli\n"
        "cli()\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 1000)\n"
        "gc.disable()\n"
        "import generator.launch as launch\n"
        "launch.cli()\n"
        "print(gc.isenabled())\n"
    )
    assert bare_python(probe) == "True True\nFalse\n"


def test_the_program_runs_a_command_through_it() -> None:
    result = run_cli("--version")  # python -m generator.launch
    assert (result.code, result.stdout) == (0, f"hyoka {__version__}\n")
    result = run_cli("build", "--format")
    assert result.code == 2
    assert (
        result.stderr.splitlines()[-1] == "hyoka build: エラー: 引数 --format/-f: 値を 1 つ指定してください"
    )

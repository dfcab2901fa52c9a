#!/usr/bin/env python3
"""Mutation check of the rules: empty each registered rule's body in turn and run the rule tests.

Every mutation must make at least one test fail ("killed"); a mutation that leaves the tests
passing ("survived") means a rule no test holds to. The source file is restored after each run,
also when interrupted. Usage: ``.venv/bin/python scripts/mutate_rules.py [R05 …]``; exit 1 when
any mutation survived.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = (
    "tests/test_rules.py",
    "tests/test_acknowledge.py",
    "tests/test_rules_registry.py",
    "tests/test_kiso_threshold.py",  # T1–T7
)


def body_span(path: Path, name: str) -> tuple[int, int, int]:
    """(first line, last line, indent) of the statements of function ``name`` after its docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            body = node.body
            if (
                len(body) > 1
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                body = body[1:]
            return body[0].lineno, node.end_lineno or body[-1].lineno, body[0].col_offset
    raise LookupError(f"{name} not in {path}")


def mutate(path: Path, name: str) -> str:
    original = path.read_text(encoding="utf-8")
    first, last, indent = body_span(path, name)
    lines = original.splitlines(keepends=True)
    lines[first - 1 : last] = [" " * indent + "return None  # mutated: body removed\n"]
    path.write_text("".join(lines), encoding="utf-8")
    return original


def run_tests() -> tuple[bool, str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    return result.returncode != 0, failed[0] if failed else result.stdout.strip().splitlines()[-1]


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from generator.rules.registry import all_rules

    rules = [r for r in all_rules() if not argv or r.id in argv]
    survived = []
    print(f"{len(rules)} rules; tests: {' '.join(TESTS)}")
    for r in rules:
        path = Path(sys.modules[r.func.__module__].__file__ or "")
        started = time.monotonic()
        original = mutate(path, r.func.__name__)
        try:
            killed, evidence = run_tests()
        finally:
            path.write_text(original, encoding="utf-8")
        took = time.monotonic() - started
        print(
            f"{r.id:4} {r.func.__module__.rsplit('.', 1)[-1]}.{r.func.__name__:24} "
            f"{'killed' if killed else 'SURVIVED'} ({took:4.1f}s) {evidence}",
            flush=True,
        )
        if not killed:
            survived.append(r.id)
    print(
        f"killed {len(rules) - len(survived)}/{len(rules)}"
        + (f"; survived: {' '.join(survived)}" if survived else "")
    )
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Checks of a loaded assessment, each a rule registered with an id and the forms it applies to.

``registry`` holds the decorator and ``run_rules``; the other modules hold the rules, grouped by
the part of the form they look at. README「検査」 lists the ids.
"""

from __future__ import annotations

from .registry import Rule, all_rules, rule, rules_for, run_rules

__all__ = ["Rule", "all_rules", "rule", "rules_for", "run_rules"]

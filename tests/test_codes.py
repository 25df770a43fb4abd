"""The codes an ``ignore`` list is checked against are the codes the builder reports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from builder.support.codes import CODES

ROOT = Path(__file__).parents[1]


def test_the_readme_table_lists_exactly_the_known_codes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Codes", 1)[1].split("\n### ", 1)[0]
    listed = re.findall(r"^\| `([a-z-]+)` \|", table, re.MULTILINE)
    assert len(listed) == len(set(listed))
    assert set(listed) == CODES


def test_every_code_the_builder_reports_is_known() -> None:
    reported: set[str] = set()
    for module in (ROOT / "builder").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Diagnostic":
                args = [*node.args[3:4], *(k.value for k in node.keywords if k.arg == "code")]
                reported |= {a.value for a in args if isinstance(a, ast.Constant)
                             and isinstance(a.value, str)}
    assert len(reported) > 30  # the scan finds them
    assert reported <= CODES, reported - CODES

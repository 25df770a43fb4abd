"""The package's shape: pipeline folders whose imports point downward, small modules.

The folders are the pipeline's stages in order (``PIPELINE``); a module may import
from its own stage or an earlier one, never a later one, so a stage can be read,
tested and replaced without what comes after it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "builder"

PIPELINE = ("model", "support", "parse", "checks", "render", "anki", "pdf", "build", "cli")
"""Stages from the bottom up: ``model`` imports nothing of ours, ``cli`` may import all."""

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _dotted(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _stage(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in PIPELINE else None


def _imported(path: Path) -> list[tuple[int, str]]:
    """Every ``builder`` module ``path`` imports, with the line of the import."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "builder":
                found += [(node.lineno, f"builder.{a.name}") for a in node.names]
            elif node.module.startswith("builder."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("builder.")]
    return found


def test_every_module_lives_in_a_stage() -> None:
    loose = [_dotted(p) for p in _modules()
             if _stage(_dotted(p)) is None and _dotted(p) not in {"builder", "builder.__main__"}]
    assert loose == []


def test_imports_point_down_the_pipeline() -> None:
    rank = {stage: i for i, stage in enumerate(PIPELINE)}
    upward = []
    for path in _modules():
        own = _stage(_dotted(path))
        if own is None:
            continue
        for line, target in _imported(path):
            other = _stage(target)
            if other is not None and rank[other] > rank[own]:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {own} → {target}")
    assert upward == []


def test_the_model_imports_nothing_of_ours_and_no_library() -> None:
    tree = ast.parse((PACKAGE / "model.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    import sys
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


def test_no_import_cycle_between_modules() -> None:
    graph = {_dotted(p): {t for _, t in _imported(p)} for p in _modules()}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(module: str, trail: list[str]) -> bool:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycle.extend([*trail, module, target])
                return True
            if state.get(target) is None and visit(target, [*trail, module]):
                return True
        state[module] = 2
        return False

    for module in sorted(graph):
        if state.get(module) is None and visit(module, []):
            break
    # A package's __init__ importing its own modules is not a cycle worth reporting.
    assert cycle == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_modules_and_functions_stay_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    long = [f"{node.name}: {(node.end_lineno or node.lineno) - node.lineno + 1} lines"
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []

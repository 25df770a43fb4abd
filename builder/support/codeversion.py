"""A hash standing for the code that made something: the builder's files and libraries.

Caches and the up-to-date record use it, so that a new release of the builder or
of a library it depends on never reuses what the old one made.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
from importlib import metadata
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

RUNTIME_LIBRARIES = (
    "genanki", "markdown-it-py", "mdit-py-plugins", "click", "PyYAML", "Pygments", "nh3",
    "matplotlib", "typst", "tex2typst", "noto-cjk-sans-otc", "manimgx-fonts-cjk",
    "manimgx-fonts", "tomlkit", "watchfiles", "pikepdf",
)
"""Every library in ``pyproject.toml``'s dependencies (a test keeps the two the same)."""


@functools.cache
def code_version(libraries: tuple[str, ...], suffixes: tuple[str, ...] = (".py",)) -> str:
    """Hash the builder's files ending in one of ``suffixes`` and ``libraries``' versions."""
    digest = hashlib.sha256()
    for name, data in _sources():
        if name.endswith(suffixes):
            digest.update(name.encode() + b"\0")
            digest.update(data)
    return _with_versions(digest, libraries)


@functools.cache
def _sources() -> tuple[tuple[str, bytes], ...]:
    """The builder's code and templates, by name: read once, whichever hashes need them."""
    package = files("builder")
    return tuple((name, package.joinpath(name).read_bytes())
                 for name in sorted(_package_files(package, (".py", ".typ"))))


def _with_versions(digest: hashlib._Hash, libraries: tuple[str, ...]) -> str:
    """``digest`` with each library's installed version (its name alone when it is not
    installed), as hex."""
    for library in libraries:
        try:
            digest.update(f"\0{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{library}".encode())
    return digest.hexdigest()


def _package_files(folder: Traversable, suffixes: tuple[str, ...], prefix: str = ""
                   ) -> list[str]:
    found: list[str] = []
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            found += _package_files(entry, suffixes, f"{prefix}{entry.name}/")
        elif entry.name.endswith(suffixes):
            found.append(prefix + entry.name)
    return found


@functools.cache
def modules_version(roots: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    """Hash the source of the builder modules ``roots`` and of every builder module they
    import (anywhere in the file, followed through), and ``libraries``' versions.

    Narrower than ``code_version``: a cache keyed on it is kept when other parts of the
    builder change.
    """
    digest = hashlib.sha256()
    for name, path in sorted(_builder_imports(roots).items()):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return _with_versions(digest, libraries)


def _builder_imports(roots: tuple[str, ...]) -> dict[str, Path]:
    """The builder modules ``roots`` import, found by reading their source, not running it."""
    found: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        spec = importlib.util.find_spec(name) if name not in found else None
        if spec is None or spec.origin is None:
            continue
        path = found[name] = Path(spec.origin)
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Import):
                todo += [alias.name for alias in node.names if alias.name.startswith("builder.")]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                    node.module == "builder" or node.module.startswith("builder.")):
                todo.append(node.module)
                # ``from builder import notes`` names a module; other names are skipped.
                todo += [f"{node.module}.{alias.name}" for alias in node.names
                         if importlib.util.find_spec(f"{node.module}.{alias.name}") is not None
                         ] if _is_package(node.module) else []
    found.pop("builder", None)
    return found


def _is_package(name: str) -> bool:
    spec = importlib.util.find_spec(name)
    return spec is not None and spec.submodule_search_locations is not None

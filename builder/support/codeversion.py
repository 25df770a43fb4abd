"""A hash standing for the code that made something: the builder's files and libraries.

Caches and the up-to-date record use it, so that a new release of the builder or
of a library it depends on never reuses what the old one made.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

RUNTIME_LIBRARIES = (
    "genanki", "markdown-it-py", "mdit-py-plugins", "click", "PyYAML", "Pygments", "nh3",
    "matplotlib", "typst", "tex2typst", "noto-cjk-sans-otc", "manimgx-fonts-cjk",
    "manimgx-fonts", "tomlkit", "watchfiles", "pikepdf", "Pillow",
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
    package = Path(__file__).resolve().parent.parent
    return tuple((name, (package / name).read_bytes())
                 for name in sorted(_package_files(package, (".py", ".typ"))))


def _with_versions(digest: hashlib._Hash, libraries: tuple[str, ...]) -> str:
    """``digest`` with each library's installed version (its name alone when it is not
    installed), as hex."""
    for library in libraries:
        version = installed_version(library)
        digest.update(f"\0{library}={version}".encode() if version is not None
                      else f"\0{library}".encode())
    return digest.hexdigest()


def _package_files(folder: Path, suffixes: tuple[str, ...], prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            found += _package_files(entry, suffixes, f"{prefix}{entry.name}/")
        elif entry.name.endswith(suffixes):
            found.append(prefix + entry.name)
    return found


@functools.cache
def installed_version(library: str) -> str | None:
    """The version ``importlib.metadata.version(library)`` gives (None: not installed),
    without loading ``importlib.metadata``: that and its email parser cost every build
    more CPU (~20 ms) than the builder's whole check of its own code.

    The same distribution is found: the first ``*.dist-info`` or ``*.egg-info`` whose
    normalised name matches, along ``sys.path`` in order; its ``Version`` header is read
    from ``METADATA`` (``PKG-INFO`` for an egg).  Zipped path entries are not searched.
    """
    found = _metadata_folders().get(_normalised(library))
    if found is None:
        return None
    for name in ("METADATA", "PKG-INFO", ""):
        try:
            with open(os.path.join(found, name) if name else found, encoding="utf-8") as text:
                return _version_header(text)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
            continue
    return None


@functools.cache
def _metadata_folders() -> dict[str, str]:
    """The first metadata folder (or egg-info file) of each distribution on ``sys.path``,
    by normalised name, as ``importlib.metadata``'s path finder names them."""
    found: dict[str, str] = {}
    for entry in sys.path:
        folder = entry or "."
        try:
            children = os.listdir(folder)
        except (OSError, TypeError):
            continue
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                name = _normalised(low.rpartition(".")[0].partition("-")[0])
                found.setdefault(name, os.path.join(folder, child))
    return found


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _version_header(text: Iterable[str]) -> str | None:
    """The first ``Version:`` header of a metadata file, before its body."""
    for line in text:
        if not line.strip():
            return None
        key, colon, value = line.partition(":")
        if colon and key.strip().lower() == "version":
            return value.strip()
    return None


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

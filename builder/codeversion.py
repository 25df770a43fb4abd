"""A hash standing for the code that made something: the builder's files and libraries.

Caches and the up-to-date record use it, so that a new release of the builder or
of a library it depends on never reuses what the old one made.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from importlib.resources import files
from importlib.resources.abc import Traversable

RUNTIME_LIBRARIES = (
    "genanki", "markdown-it-py", "mdit-py-plugins", "click", "PyYAML", "Pygments", "nh3",
    "matplotlib", "typst", "tex2typst", "noto-cjk-sans-otc", "manimgx-fonts-cjk",
    "manimgx-fonts", "watchfiles",
)
"""Every library in ``pyproject.toml``'s dependencies (a test keeps the two the same)."""


@functools.cache
def code_version(libraries: tuple[str, ...], suffixes: tuple[str, ...] = (".py",)) -> str:
    """Hash the builder's files ending in one of ``suffixes`` and ``libraries``' versions."""
    digest = hashlib.sha256()
    package = files("builder")
    for name in sorted(_package_files(package, suffixes)):
        digest.update(name.encode() + b"\0")
        digest.update(package.joinpath(name).read_bytes())
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

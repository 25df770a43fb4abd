"""``os.walk`` without recursion.

Python 3.11's ``os.walk`` calls itself once per folder level: a source tree 1,000 folders
deep (a hostile archive, a link farm unpacked) ended the build in a RecursionError
traceback.  This walk keeps its own stack and yields what ``os.walk`` yields, in its order:
top-down, each folder's subfolders visited in the order of the list it yielded, which the
caller may prune or sort in place; links to folders are listed, not followed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator


def walk(top: str | os.PathLike[str], onerror: Callable[[OSError], None] | None = None
         ) -> Iterator[tuple[str, list[str], list[str]]]:
    """Yield (folder, subfolders, other names) for ``top`` and every folder below it."""
    stack = [os.fspath(top)]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError as error:
            if onerror is not None:
                onerror(error)
            continue
        folders: list[str] = []
        names: list[str] = []
        links: set[str] = set()
        for entry in entries:
            try:
                is_folder = entry.is_dir()
                if is_folder and entry.is_symlink():
                    links.add(entry.name)
            except OSError:
                is_folder = False
            (folders if is_folder else names).append(entry.name)
        yield here, folders, names
        stack.extend(os.path.join(here, name) for name in reversed(folders)
                     if name not in links)

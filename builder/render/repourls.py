"""Pictures a repository's notes show through the web address of their own copy on a code
host, read from the copy being built.

A README on GitHub often shows its pictures by their address on github.com
(``![](https://github.com/me/notes/blob/master/images/roc.png)``, or ``?raw=true``, or
``raw.githubusercontent.com/me/notes/main/images/roc.png``): it shows the same on the site
and on any mirror.  The file is in the repository being built, so a card shows it from
there instead of leaving it out as a remote picture.  Only the path in the address is used,
looked up inside the source tree as any picture is (``builder.render.images``): nothing is
downloaded, and nothing outside the tree is read.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

# Host → the parts of an address's path before its branch: GitHub's and Gitee's
# ``/OWNER/REPO/blob/REF/…`` (``raw``, ``tree`` too), GitLab's ``/OWNER/REPO/-/blob/REF/…``,
# ``raw.githubusercontent.com/OWNER/REPO/REF/…``.
_MARKED_HOSTS = {"github.com", "www.github.com", "gitee.com", "gitlab.com"}
_RAW_HOSTS = {"raw.githubusercontent.com"}
_MARKERS = {"blob", "raw", "tree"}
_ODD = re.compile(r"[/\\\x00-\x1f\x7f]")
"""What no part of a path in a repository holds once decoded: a slash, a control character."""
_MAX_PARTS = 64
"""Deepest address path looked at: a picture's path, not a hostile run of folders."""


def repository_paths(src: str) -> list[PurePosixPath]:
    """The paths inside its repository that a code host's file address may name, the
    branch being one or more of its parts (``feature/x``), longest path first; empty for
    any other address.

    ``https://github.com/me/notes/blob/master/img/a.png`` gives ``img/a.png``, then
    ``a.png`` (for a branch ``master/img``); no path goes up (``..``) or is absolute.
    """
    try:
        address = urlsplit(src.strip())
    except ValueError:
        return []
    if address.scheme.lower() not in ("http", "https"):
        return []
    host = (address.hostname or "").lower()
    parts = [unquote(part) for part in address.path.split("/") if part]
    if len(parts) > _MAX_PARTS:
        return []
    if host in _RAW_HOSTS:
        after_repo = parts[2:]
    elif host in _MARKED_HOSTS:
        after_repo = parts[2:]
        if after_repo[:1] == ["-"]:  # GitLab's /-/blob/
            after_repo = after_repo[1:]
        if after_repo[:1] and after_repo[0] in _MARKERS:
            after_repo = after_repo[1:]
        else:
            return []
    else:
        return []
    # The first part is (the start of) the branch; the path is what follows it.  A
    # shorter path (a branch of several parts, or a tree built from a subfolder) keeps a
    # folder and the file name: a name alone is no evidence.
    found = []
    for start in range(1, len(after_repo)):
        path = after_repo[start:]
        if any(part in ("..", ".") or _ODD.search(part) for part in path):
            return []  # a step up, or a folder hidden in one part (``..%2F..``)
        if start == 1 or len(path) >= 2:
            found.append(PurePosixPath(*path))
    return found


def tree_copies(src: str, root: Path) -> list[Path]:
    """Where in the source tree ``root`` the file a code host's address names may be,
    most likely first (none for any other address); the caller checks each is a file
    inside ``root`` once links are followed."""
    return [root.joinpath(*path.parts) for path in repository_paths(src)]


def repository_name(src: str) -> str | None:
    """The repository a code host's file address names (``notes`` of
    ``https://github.com/me/notes/blob/…``), or None for any other address."""
    try:
        address = urlsplit(src.strip())
    except ValueError:
        return None
    host = (address.hostname or "").lower()
    parts = [part for part in address.path.split("/") if part]
    if host not in _MARKED_HOSTS | _RAW_HOSTS or len(parts) < 2:
        return None
    return unquote(parts[1])


def another_repository(src: str, root: Path | None) -> bool:
    """Whether ``src`` is a code host's address of a repository the tree built is not
    named after (a clone keeps its repository's name): a picture shown from the tree's
    own copy may then be another picture at the same path, which a note says."""
    name = repository_name(src)
    tree = (root or Path.cwd()).resolve().name
    return name is not None and name.casefold() != tree.casefold()

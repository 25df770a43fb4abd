"""Parsed sources kept between builds, so a rebuild parses only the files that changed.

Parsing and checking is pure Python (markdown-it-py) and costs about a second per
megabyte of notes, every build.  Its result depends only on the file's bytes, the
name it is shown under, the parse options and the code that parses, so it is
stored under a hash of exactly those, like the rendered images.  Each source file
has one cache entry, replaced when the file changes, so the cache never grows
with edits.  An entry that cannot be read is parsed again.

Each entry is its key on one line, then the pickled result.  When workers parsed the
file they already made that pickle (results cross the process boundary pickled
anyway), so storing costs the building process no second pickling; a file parsed in
this process is pickled when the cache is saved.  A stale entry is recognised from
its first line without unpickling the rest.

A cache folder is not trusted: it may be shared (``--cache-dir``) or shipped with
notes, and unpickling runs code.  So each entry carries an HMAC-SHA256 of its key
and pickle under a secret made once per user, kept outside any cache folder
(``$XDG_CONFIG_HOME/build-deck/cache.key``, mode 0600).  Bytes are unpickled only
when their tag verifies; a planted entry, whose author cannot know the secret, is
parsed again and never loaded.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import logging
import os
import pickle
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from builder.support.atomic import atomic_path
from builder.support.codeversion import code_version
from builder.support.collector import collector_paused
from builder.support.safefile import open_regular, read_rest

log = logging.getLogger(__name__)

FORMAT = 5
_SECRET_BYTES = 32
_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "nh3", "Pygments")
"""What a parse, and the notes kept beside it (their code is highlighted by Pygments),
depend on besides the builder."""


def parser_version() -> str:
    """Hash the builder's own sources and the parsing libraries' versions."""
    return code_version(_LIBRARIES) + str(FORMAT)


def pickled_result(result: object) -> bytes:
    """Pickle a parse result the way ``ParseCache.put`` takes it."""
    return pickle.dumps(result, pickle.HIGHEST_PROTOCOL)


def _secret_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(Path.home(), ".config")
    return Path(config) / "build-deck" / "cache.key"


def cache_secret() -> bytes | None:
    """Return this user's cache-signing secret, made (0600) on first use; None when it
    can be neither read nor made, and then nothing is cached.

    A secret others can read or that another user owns is replaced: whoever can read it
    can sign a planted entry.  Two builds making one at once only cost a re-parse.
    """
    path = _secret_path()
    try:
        info = path.stat()
        owner = getattr(os, "getuid", lambda: info.st_uid)()
        if info.st_mode & 0o077 == 0 and info.st_uid == owner:
            secret = path.read_bytes()
            if len(secret) >= _SECRET_BYTES:
                return secret
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        secret = secrets.token_bytes(_SECRET_BYTES)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".cache.key-")  # 0600
        with os.fdopen(fd, "wb") as out:
            out.write(secret)
        os.replace(temporary, path)
        return secret
    except OSError as exc:
        log.debug("no parse-cache secret: %s", exc)
        return None


MAX_ENTRY_BYTES = 256 << 20
"""The parse of a 1 MB file at the token limit pickles to some 10 MB."""


def _tag(secret: bytes, kind: str, header: bytes, pickled: bytes) -> bytes:
    # The kind is signed too: one file's entries of two kinds share a key, and an entry
    # renamed to the other kind must not be read as one.
    # Fed in parts: joining them would copy a pickle of megabytes just to sign it.
    signer = hmac.new(secret, kind.encode("ascii") + b"\0", hashlib.sha256)
    signer.update(header)
    signer.update(pickled)
    return signer.hexdigest().encode("ascii") + b"\n"


Memory = dict[tuple[Path, str], tuple[str, object]]
"""(cache folder, file shown) → the key and result last parsed or loaded in this process."""

_MEMORY: contextvars.ContextVar[Memory | None] = contextvars.ContextVar("memory",
                                                                        default=None)


@contextlib.contextmanager
def kept_in_memory(memory: Memory) -> Iterator[None]:
    """Let the caches made in this block keep their results in ``memory`` as well, for a
    process that builds again and again (``build-deck watch``): an unchanged file is then
    neither read from the cache folder nor unpickled.  Results are frozen, so sharing
    them between builds is safe; one entry per file, so it holds one build's worth."""
    token = _MEMORY.set(memory)
    try:
        yield
    finally:
        _MEMORY.reset(token)


class ParseCache:
    """Parsed sources in ``folder``, one entry per source file."""

    def __init__(self, folder: Path, kind: str = "parsed") -> None:
        self.folder = folder
        self.kind = kind
        """Names the entries: ``parsed``; ``notes`` keeps each file's notes
        (``builder.build.notecache``) beside its parse."""
        self._unsaved: dict[str, tuple[str, object, bytes | None]] = {}
        self._secret = cache_secret()
        self._memory = _MEMORY.get() if kind == "parsed" else None
        self._what = "parse cache" if kind == "parsed" else f"{kind} cache"
        self._then = ": parsing" if kind == "parsed" else ""

    def key(self, content: bytes, shown: str, options: object) -> str:
        """Hash everything a parse result depends on; ``content`` is the SHA-256 of the
        file's bytes."""
        digest = hashlib.sha256(content)
        digest.update(f"\0{shown}\0{options!r}\0{parser_version()}".encode())
        return digest.hexdigest()

    def _entry(self, shown: str) -> Path:
        name = hashlib.sha256(shown.encode()).hexdigest()[:16]
        return self.folder / f"{self.kind}-{name}.pickle"

    def get(self, shown: str, key: str) -> Any | None:
        """Return the stored result for ``key``, or None."""
        if self._memory is not None:
            kept = self._memory.get((self.folder, shown))
            if kept is not None and kept[0] == key:
                return kept[1]
        found = self._read(shown, key)
        if found is not None and self._memory is not None:
            self._memory[(self.folder, shown)] = found
        return found[1] if found is not None else None

    def last(self, shown: str) -> tuple[str, Any] | None:
        """Return the key and result last stored for ``shown``, whatever the key: the file
        before its latest edit, which a rebuild may patch instead of parsing it whole."""
        if self._memory is not None:
            kept = self._memory.get((self.folder, shown))
            if kept is not None:
                return kept
        return self._read(shown, None)

    def _read(self, shown: str, key: str | None) -> tuple[str, Any] | None:
        """The entry's key and result: only under ``key`` when given, else whatever is
        stored; None if missing, stale, not signed by this user or unreadable."""
        if self._secret is None:
            return None
        try:
            # A regular file, up to a limit: a cache folder shared or tampered with may
            # hold a FIFO (the build waited for ever) or a link to /dev/zero.  Its key is
            # read first: a stale entry's pickle is never read.
            with open_regular(self._entry(shown)) as (entry, status):
                header = entry.readline(100)
                if key is not None and header != key.encode("ascii") + b"\n":
                    log.info("%s: %s changed (or its options)%s", self._what, shown, self._then)
                    return None
                tag = entry.read(65)
                pickled = read_rest(entry, status, MAX_ENTRY_BYTES, self._entry(shown))
        except OSError:
            log.info("%s: %s not cached%s", self._what, shown, self._then)
            return None
        if not hmac.compare_digest(tag, _tag(self._secret, self.kind, header, pickled)):
            log.debug("%s entry for %s is not signed by this user: ignored", self._what, shown)
            return None
        try:
            with collector_paused():  # a parse is many objects, and no garbage
                result = pickle.loads(pickled)
        except Exception:  # signed by us but from another Python: parse again
            return None
        if key is not None:
            log.info("%s: %s unchanged: reused", self._what, shown)
        return header.decode("ascii").strip(), result

    @property
    def remembers(self) -> bool:
        """Whether results are kept in memory from build to build (a watch)."""
        return self._memory is not None

    def put(self, shown: str, key: str, result: object, pickled: bytes | None = None, *,
            durable: bool = True) -> None:
        """Keep ``result`` to be stored by ``save`` (unless not ``durable``: then only in
        memory, for the next build of this process); ``pickled`` is its
        ``pickled_result`` when a worker already made it."""
        if durable:
            self._unsaved[shown] = (key, result, pickled)
        if self._memory is not None:
            self._memory[(self.folder, shown)] = (key, result)

    def save(self) -> None:
        """Store what ``put`` kept; a cache that cannot be written only costs speed.

        Only a build that writes its outputs calls this: ``check`` and a failed or
        ``--strict`` build leave no trace.
        """
        if self._secret is None:
            self._unsaved.clear()
            return
        try:
            if self._unsaved:
                self.folder.mkdir(parents=True, exist_ok=True)
            for shown, (key, result, pickled) in self._unsaved.items():
                header = key.encode("ascii") + b"\n"
                body = pickled or pickled_result(result)
                with atomic_path(self._entry(shown)) as temporary, temporary.open("wb") as out:
                    out.write(header + _tag(self._secret, self.kind, header, body))
                    out.write(body)  # not joined to the header: a copy of megabytes
        except OSError as exc:
            log.debug("parse cache not written: %s", exc)
        self._unsaved.clear()

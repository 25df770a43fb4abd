"""The change report as text, and the Anki search that finds removed notes."""

from __future__ import annotations

from builder.anki.identity import ChangeReport
from builder.anki.lock import Lock
from builder.model import one_line

LIST_LIMIT = 20
"""Longer change lists are only counted, unless the details are asked for."""
SHOWN_QUESTION = 100
"""A question is shown cut to this many characters: a 200,000-character heading filled
the terminal."""


def summary(report: ChangeReport) -> str:
    """Return one line counting the changes."""
    if report.empty:
        return "changes: none since the last build"
    parts = [(len(report.added), "added"), (len(report.changed), "changed"),
             (len(report.renamed), "renamed/moved"), (len(report.removed), "removed")]
    return "changes: " + ", ".join(f"{n} {what}" for n, what in parts if n)


def details(report: ChangeReport, *, full: bool,
            old_fields: dict[str, tuple[str, str]] | None = None,
            new_fields: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """List each change by place and question; with ``full``, diff changed texts too."""
    count = len(report.added) + len(report.changed) + len(report.renamed) + len(report.removed)
    if not full and count > LIST_LIMIT:
        return [f"  ({count} changes; --diff lists them)"]
    lines = [f"  added    {one_line(n.loc.path)}:{n.loc.line}  {_shown(n.question)}"
             for n in report.added]
    for note in report.changed:
        lines.append(f"  changed  {one_line(note.loc.path)}:{note.loc.line}  "
                     f"{_shown(note.question)}")
        if full and old_fields is not None and new_fields is not None:
            lines += _field_diff(old_fields.get(note.key), new_fields.get(note.key))
    for old, _old_key, note in report.renamed:
        was = "" if old.question == note.question else f"'{_shown(old.question)}' "
        lines.append(f"  renamed  {one_line(note.loc.path)}:{note.loc.line}  "
                     f"{_shown(note.question)}  (was {was}in {one_line(old.file)})")
    lines += [f"  removed  {_shown(entry.question)}  (was in {one_line(entry.file)})"
              for _key, entry in report.removed]
    return lines


def _shown(question: str) -> str:
    """A question on one terminal line: cut, and unprintable characters escaped."""
    if len(question) <= SHOWN_QUESTION:
        return one_line(question)
    return one_line(question[:SHOWN_QUESTION - 1]) + "…"


def _field_diff(old: tuple[str, str] | None, new: tuple[str, str] | None) -> list[str]:
    if old is None or new is None:
        return []
    # Imported here, as below: a build with nothing changed prints the summary alone.
    import difflib

    from builder.anki.html import field_text

    before = "\n".join(field_text(f) for f in old).splitlines()
    after = "\n".join(field_text(f) for f in new).splitlines()
    return ["    " + line for line in
            difflib.unified_diff(before, after, "before", "after", lineterm="", n=1)]


def removed_search(lock: Lock) -> str | None:
    """Return an Anki search that selects every note the lock marks as removed."""
    keys = sorted(k for k, e in lock.entries.items() if e.removed is not None)
    if not keys:
        return None
    from builder.anki.html import escape_text

    return " OR ".join(f'"Key:{_escape(escape_text(key))}"' for key in keys)


def _escape(text: str) -> str:
    """Escape Anki's search wildcards and quoting so the text matches literally."""
    for char in ("\\", '"', "*", "_", ":", "(", ")"):
        text = text.replace(char, "\\" + char)
    return text

"""``[[^2]]``: a footnote citation the author put in brackets.  The card shows the
citation once (``<sup>[2]</sup>``, not ``[<sup>[2]</sup>]``), the question and section
names read plain have no ``[]`` left, and a footnote cited only in a section heading is
reported as such, not as never cited."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import FIXTURES, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_bracketed_citations_show_once_and_leave_no_brackets(
        tmp_path: Path, collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURES / "bracketed-citations.md")
    assert result.exit_code == 0, result.output
    assert ("n.md:16:1: note: footnote [^2] is cited only in text no card shows (a section "
            "heading)") in result.output, result.output
    assert "[]" not in result.output and "never cited" not in result.output, result.output
    notes = imported_notes(collection, tmp_path / "dist" / "C++ 面经.apkg")
    fields = {note["Question"]: note for note in notes}
    asked = fields["常量成员函数能改成员吗？<sup>[1]</sup>"]
    assert "https://example.com/const-members" in asked["Answer"]
    reference = fields["引用传递为什么要加 const？"]
    assert "改动实参<sup>[1]</sup>。见 [1] 与 [x]<sup>[1]</sup>" in reference["Answer"], \
        reference["Answer"]
    assert all(note["Section"] == "const 类成员函数（用法和意义）" for note in notes), \
        [note.fields for note in notes]
    assert not any("[<sup>" in field or "</sup>]" in field or "[]" in field
                   for note in notes for field in note.fields), [n.fields for n in notes]
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "C++ 面经.pdf").pages)
    assert "（用法和意义）[]" not in pdf and re.search(r"（用法和意义）\s", pdf), pdf


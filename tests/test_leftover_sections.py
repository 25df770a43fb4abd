"""Which section headings are reported as showing nowhere (``empty-section``)."""

from __future__ import annotations

from builder.model import Node, Section, SourceLoc
from builder.parse.leftovers import leftover_diagnostics


def _section(path: tuple[str, ...], line: int, intro: bool = False) -> Section:
    text = (Node("paragraph", children=(Node("text", text="Words."),)),) if intro else ()
    return Section(path, SourceLoc("n.md", line), (), intro=text)


def test_a_heading_is_shown_by_a_later_section_under_it_with_an_introduction() -> None:
    sections = [_section(("A",), 3), _section(("A", "B"), 5, intro=True),
                _section(("A", "B", "C"), 7), _section(("D",), 9),
                _section(("Da",), 11, intro=True)]
    headed = {index: (s.loc.line, s.loc.line, s.path[-1]) for index, s in enumerate(sections)}
    found = leftover_diagnostics("n.md", sections, headed, 4)
    # A shows through B's introduction; C and D hold nothing (D is no leading part of Da).
    assert [(d.code, d.loc.line if d.code == "empty-section" else None) for d in found] == [
        ("section-intro", None), ("empty-section", 7), ("empty-section", 9),
        ("section-intro", None)]

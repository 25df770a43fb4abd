"""A table of contents in groups, each list of links under a heading of its own, whose
links name the file itself by URL (``…/blob/main/Notes.md#q1``) or link to nothing yet
(``[Q3: …]()``): no card of its own, each entry that links nowhere named
(builder.parse.tocfind)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from anki.collection import Collection
from click.testing import CliRunner

from builder.cli import main
from builder.parse.document import parse_text

from .conftest import FIXTURES, answers_by_question, imported_notes

FIXTURE = FIXTURES / "toc-grouped-self-links.md"
NAME = "Deep Learning Q&A.md"


def test_grouped_toc_is_no_card(tmp_path: Path, collection: Collection) -> None:
    shutil.copy(FIXTURE, tmp_path / NAME)
    result = CliRunner().invoke(main, [NAME, "--format", "apkg"])
    assert result.exit_code == 0, result.output
    for line, question in ((10, "Q3: What is object detection?"),
                           (11, "Q4: What is image segmentation?")):
        assert (f"{NAME}:{line}:1: warning: TOC entry '{question}' links to nothing: it is "
                "left out with the table of contents") in result.output, result.output
    assert "links past this file" not in result.output, result.output
    # The answer's own "Related" links stay in it, reported as every in-page link is.
    assert result.output.count("warning:") == 4, result.output
    assert result.output.count("[link-removed]") == 2, result.output
    notes = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "Deep Learning Questions.apkg"))
    assert sorted(notes) == ["Q1: What are autoencoders?", "Q2: Why use batch normalization?"], \
        notes
    # An answer's own list of links to the file's headings stays in it.
    assert "steady range" in notes["Q2: Why use batch normalization?"]
    assert "Q1: autoencoders" in notes["Q2: Why use batch normalization?"]
    assert not re.search(r"github\.com", "".join(notes.values()))


def test_a_group_needs_links_into_the_file_and_a_heading_to_itself() -> None:
    def toc(text: str) -> tuple[int, ...]:
        return parse_text("# T\n\n" + text + answers, "notes/Notes.md").toc_lines

    answers = "\n## Answers\n\n### What is A?\n\nA.\n\n### What is B?\n\nB.\n"
    own = ("## Basics\n\n- [What is A?](https://x.org/o/r/blob/main/notes/Notes.md#what-is-a)\n"
           "- [What is B?](Notes.md#what-is-b)\n")
    assert toc(own) == (3, 5, 6, 7)  # its heading and its entries (to the blank line)
    assert toc(own.replace("Notes.md#", "Other.md#")) == ()  # another file's headings
    assert toc(own.replace("https://", "ftp://")) == ()
    assert toc(own + "\nSee them both.\n") == ()  # the heading holds more than the list
    # Empty links only continue a group found right before them.
    blank = "## Later\n\n- [What is C?]()\n- [What is D?]()\n"
    assert toc(blank) == ()
    assert toc(own + "\n" + blank + "\n---\n") == (3, 5, 6, 7, 8, 10, 11, 12, 13)


def test_contents_among_the_questions_are_said_or_left_alone(tmp_path: Path) -> None:
    """Further down, a "## 目录" list of links to the file's headings is a TOC, named as
    left out; a list of such links that is all a topic heading holds stays where it is
    (a section's own contents, past the file's head, is no TOC group)."""
    questions = "## Basics\n\n### What is a neuron?\n\nA weighted sum.\n\n"
    links = ("- [Transfer learning](#transfer-learning)\n"
             "- [Residuals](#residual-connections)\n\n")
    after = "### Transfer learning\n\nReuse a model.\n\n### Residual connections\n\nSkip.\n"
    (tmp_path / "d.md").write_text(f"# DL\n\n{questions}## 目录\n\n{links}{after}", "utf-8")
    result = CliRunner().invoke(main, ["check", "d.md"])
    assert ("d.md:9:1: note: lines 9-13 are a table of contents of this file (links to its "
            "own headings): left out [toc-in-answer]") in result.output, result.output
    explained = CliRunner().invoke(main, ["check", "d.md", "--explain-structure"]).output
    assert "d.md:9: table of contents '目录'" in explained, explained
    doc = parse_text(f"# DL\n\n{questions}## Concepts\n\n{links}{after}", "c.md")
    assert doc.toc_lines == (), doc.toc_lines

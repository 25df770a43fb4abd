"""HTML ``<details>`` blocks (builder.parse.htmldetails): the element is one box with its
Markdown body inside it, and one whose summary asks is a question, its body the answer."""

from __future__ import annotations

import html
import re
from pathlib import Path

from anki.collection import Collection

from builder.parse.document import parse_text
from builder.parse.markdown import tokenize

from .conftest import answers_by_question, build_fixture, imported_notes

FIXTURE = Path(__file__).parent / "fixtures" / "html-details.md"


def _text(field: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", field))


def test_details_that_ask_are_cards_with_their_answers_inside(tmp_path: Path,
                                                              collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURE)
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answers = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "Interview review.apkg"))
    assert sorted(answers) == ["How would you debug model predictions?",
                               "What are some approaches to reducing overfitting?"], answers
    first = answers["What are some approaches to reducing overfitting?"]
    assert "<li>Add more <b>data</b></li>" in first, first
    # The box that does not ask stays a box in the answer, its code inside it.
    box = re.search(r'<details class="callout[^"]*" open=""><summary class="callout-title">'
                    r"Show code</summary>(.*?)</details>", first, re.S)
    assert box is not None, first
    assert "# flip images left to right" in _text(box.group(1)), box.group(1)
    assert "&lt;details" not in first and "<summary>" not in first
    second = answers["How would you debug model predictions?"]
    shown = _text(second)
    assert "Look at the most uncertain labels first." in shown
    assert "Then at the most incorrect ones." in shown, "the line after a fence showing " \
        "</details> is the answer's"
    assert "<details>\n</details>" in shown, "a details element in code is code"
    assert "A one-line element stays as written." in shown
    assert "How would you debug" not in shown, "the summary is the question, not the answer"
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "Interview review.pdf").pages)
    assert "Show code" in pdf and "# flip images left to right" in pdf, pdf
    assert "Then at the most incorrect ones." in pdf


def test_a_details_box_in_a_heading_answer_keeps_its_body() -> None:
    doc = parse_text("## What is dropout?\n\nRandom zeroing.\n\n<details>\n<summary>Show "
                     "code</summary>\n\n```python\n# keep half\np = 0.5\n```\n\n</details>\n\n"
                     "## What is BN?\n\nNormalising.\n", "n.md")
    assert [c.question_text for c in doc.cards] == ["What is dropout?", "What is BN?"]
    answer = doc.cards[0].answer
    assert [n.kind for n in answer] == ["paragraph", "callout"], answer
    box = answer[1]
    assert (box.attr("type"), box.attr("fold"), box.attr("syntax")) == ("details", "-", "html")
    assert [n.kind for n in box.children] == ["callout_title", "code_block"]
    assert (box.line, box.end_line) == (5, 13)


def test_what_is_not_the_common_shape_stays_an_html_block() -> None:
    for source in (
        "<details><summary>Q?</summary>answer</details>\n",        # one line
        "<details>\n<summary>Q?</summary>\n\nno closing line\n",      # unclosed
        "<details><summary>Q?</summary> text after\n\nx\n</details>\n",
        "<details>\n<summary>Q?</summary>\n\n## A heading\n\nx\n</details>\n",
        "```\n<details>\n```\n\ntext\n</details>\n",                   # opened in code
    ):
        kinds = [t.type for t in tokenize(source)]
        assert "callout_open" not in kinds, (source, kinds)


def test_a_closing_tag_in_code_closes_nothing_but_a_heading_comment_is_no_heading() -> None:
    tokens = tokenize("<details>\n<summary>Why?</summary>\n\n```sh\n# a comment\n</details>\n"
                      "```\n\nafter\n</details>\n")
    opened = [t for t in tokens if t.type == "callout_open"]
    assert len(opened) == 1 and opened[0].map == [0, 10], [(t.type, t.map) for t in tokens]


def test_what_a_summary_loses_is_said_at_the_summary(tmp_path: Path,
                                                      collection: Collection) -> None:
    """The ``<summary>`` is the box's title, on a line of its own (one blank line or
    more below its ``<details>``, or wrapped over lines): HTML the card drops from it is
    reported on the summary's line, where the author looks for it, not on the
    ``<details>`` line above."""
    result = build_fixture(Path(__file__).parent / "fixtures" / "details-summary-html.md")
    assert result.exit_code == 0, result.output
    removed = [line.split(": warning")[0] for line in result.output.splitlines()
               if "[html-removed]" in line]
    assert removed == ["n.md:6:1", "n.md:16:1", "n.md:24:1"], result.output
    notes = imported_notes(collection, tmp_path / "dist" / "折叠里的标题.apkg")
    titles = sorted(re.findall(r'<summary class="callout-title">(.*?)</summary>',
                               " ".join(note["Answer"] for note in notes)))
    assert titles == ["多行 的", "点开看 答案 吧", "隔一行 动"], titles

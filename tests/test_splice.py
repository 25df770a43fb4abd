"""An edited file parsed one question again (builder.parse.splice, build.sourceparse).

The promise: whenever a splice is made, it is what parsing the whole file gives, the
document (every node's line and column) and the diagnostics as reported.  Each test
below edits a file in a way that touches one of the things a question's parse depends
on; the random edits of ``splicecheck`` cover the fixtures, one per pattern, and the
shipped deck.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build.sourceparse import ParsedSource, parse_source, splice_source
from builder.parse.fences import INSPECTED
from builder.parse.options import ParseOptions
from tests.splicecheck import check_file, shown

FIXTURES = Path(__file__).parent / "fixtures"
SEED_DECK = Path(__file__).parent.parent / "source_md" / "deep-learning-interview.md"

NOTES = """\
---
deck: Splice
---
# Notes

<!-- TOC -->
- [Optimisation](#optimisation)
<!-- /TOC -->

## Optimisation

Some words before the first question.

### What is SGD?

Stochastic gradient descent:
$w \\leftarrow w - \\eta g$.

### Why does momentum help?

It averages gradients.

#### A part of the answer

More words.

### What is Adam?

Adaptive moments.

### Momentum notes

Notes.

## Regularisation

### What is dropout?

Units are dropped at random.
"""


def _parse(tmp_path: Path, text: str) -> tuple[Path, ParsedSource]:
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    return path, parse_source(path, path.name, ParseOptions())


def _edited(tmp_path: Path, before: str, after: str, options: ParseOptions | None = None
            ) -> tuple[ParsedSource | None, ParsedSource]:
    """The splice of ``after`` onto ``before``'s parse (None if refused), and the whole
    parse of ``after``."""
    options = options or ParseOptions()
    path = tmp_path / "notes.md"
    path.write_text(before, encoding="utf-8")
    first = parse_source(path, path.name, options)
    data = after.encode("utf-8")
    path.write_bytes(data)
    whole = parse_source(path, path.name, options, data)
    spliced = splice_source(first, path, path.name, options, data, True)
    return (spliced[0] if spliced is not None else None), whole


def _replace(old: str, new: str) -> str:
    assert old in NOTES
    return NOTES.replace(old, new, 1)


@pytest.mark.parametrize("edit", [
    ("It averages gradients.", "It averages gradients, a running mean."),
    ("It averages gradients.", "It averages gradients.\n\nA second paragraph.\n\n- a list"),
    ("descent:\n$w", "descent: $w"),
    ("More words.", "More words with $x^2$ and a [link](https://example.com)."),
    ("Adaptive moments.", "Adaptive moments.\n\n```python\nprint(1)\n```"),
])
def test_an_answer_edit_is_spliced_and_is_the_whole_parse(tmp_path: Path,
                                                           edit: tuple[str, str]) -> None:
    spliced, whole = _edited(tmp_path, NOTES, _replace(*edit))
    assert spliced is not None, "an edit inside one answer is parsed alone"
    assert shown(spliced) == shown(whole)
    assert spliced.document is not None and whole.document is not None
    assert [c.loc.line for c in spliced.document.cards] == [c.loc.line
                                                            for c in whole.document.cards]


@pytest.mark.parametrize(("old", "new"), [
    ("### Why does momentum help?", "### Why does momentum help so much?"),
    ("### Why does momentum help?", "### Why does momentum help? {#momentum}"),
    ("### Why does momentum help?", "### What is Adam?"),  # now two: the second "-1"
    ("### What is Adam?", "### What is SGD?\n\nA second paragraph."),
])
def test_a_reworded_question_is_spliced_with_every_anchor_handed_out_again(
        tmp_path: Path, old: str, new: str) -> None:
    spliced, whole = _edited(tmp_path, NOTES, _replace(old, new))
    assert spliced is not None, "a question's heading reworded is parsed alone"
    assert shown(spliced) == shown(whole)


def test_a_heading_that_stops_asking_is_parsed_whole(tmp_path: Path) -> None:
    """Level detection counts the headings that read as questions."""
    spliced, _whole = _edited(tmp_path, NOTES, _replace("### Why does momentum help?",
                                                        "### Momentum"))
    assert spliced is None


def test_lines_added_move_every_later_question_and_diagnostic(tmp_path: Path) -> None:
    before = NOTES.replace("Units are dropped at random.", "Units are dropped at $random.")
    after = before.replace("It averages gradients.", "It averages\n\ngradients\n\nnow.")
    spliced, whole = _edited(tmp_path, before, after)
    assert spliced is not None and whole.document is not None
    assert shown(spliced) == shown(whole)
    dropout = whole.document.cards[-1]
    assert dropout.loc.line == NOTES.splitlines().index("### What is dropout?") + 1 + 4
    assert any(d.code == "unbalanced-dollar" and d.loc.line > dropout.loc.line
               for d in spliced.diagnostics)


@pytest.mark.parametrize(("old", "new", "why"), [
    ("It averages gradients.", "It averages gradients.\n\n### A new question?\n\nYes.",
     "a new heading changes the file's headings"),
    ("It averages gradients.", "It averages gradients.\n\n```\nopen fence", "a fence left open"),
    ("It averages gradients.", "It averages [gradients].\n\n[gradients]: https://e.com",
     "a link reference applies to the whole file"),
    ("It averages gradients.", "It averages gradients.\n\n<!-- TOC -->", "a TOC marker"),
    ("It averages gradients.", "It averages gradients.\n\n#flashcards/optimisers",
     "an Obsidian tag line tags the questions after it"),
    ("Notes.", "**Why?**\n\n**How?**\n\n**When?**\n\n**Where?**\n\n**Who?**\n\n**What?**",
     "bold questions vote on how the file is read"),
    ("#### A part of the answer", "##### A part of the answer", "a heading's level"),
    ("#### A part of the answer", "#### A part of the answer {#part}", "a heading's anchor"),
])
def test_an_edit_that_changes_how_the_file_reads_is_parsed_whole(
        tmp_path: Path, old: str, new: str, why: str) -> None:
    spliced, whole = _edited(tmp_path, NOTES, _replace(old, new))
    assert spliced is None or shown(spliced) == shown(whole), why
    assert spliced is None, why


def test_the_edited_questions_checks_are_made_again(tmp_path: Path) -> None:
    new = ("More words, <b onclick='x()'>bold</b> [sound:a.mp3], a $stray dollar, "
           "and as the figure below shows.")
    spliced, whole = _edited(tmp_path, NOTES, _replace("More words.", new))
    codes = {d.code for d in whole.diagnostics}
    assert {"html-removed", "anki-markup", "unbalanced-dollar", "missing-figure"} <= codes
    assert spliced is not None and shown(spliced) == shown(whole)
    gone, again = _edited(tmp_path, NOTES.replace("More words.", new), NOTES)
    assert gone is not None and shown(gone) == shown(again)
    assert not {"html-removed", "anki-markup"} & {d.code for d in gone.diagnostics}


def test_a_language_flip_is_parsed_whole(tmp_path: Path) -> None:
    english = NOTES.replace("deck: Splice", "deck: Splice")
    chinese = "这是一个很长的中文回答，" * 80
    spliced, whole = _edited(tmp_path, english, english.replace("More words.", chinese))
    assert whole.document is not None and whole.document.settings.lang == "zh"
    assert spliced is None


def test_a_section_intro_below_the_edit_is_reported_at_its_new_lines(tmp_path: Path) -> None:
    text = NOTES.replace("## Regularisation\n", "## Regularisation\n\nAn introduction.\n")
    spliced, whole = _edited(tmp_path, text, text.replace("It averages gradients.",
                                                          "It averages\n\ngradients."))
    assert any(d.code == "section-intro" for d in whole.diagnostics)
    assert spliced is None or shown(spliced) == shown(whole)


def test_a_question_on_the_first_line_is_parsed_whole(tmp_path: Path) -> None:
    """Line 1 holds the file's own reports too (levels asked for that cannot be, say)."""
    path = tmp_path / "notes.md"
    text = "### What is SGD?\n\nA method.\n\n### What is Adam?\n\nAnother.\n"
    path.write_text(text, encoding="utf-8")
    options = ParseOptions(section_level=3, question_level=3)
    first = parse_source(path, path.name, options)
    assert any(d.code == "levels" for d in first.diagnostics)
    data = text.replace("A method.", "A method, edited.").encode("utf-8")
    path.write_bytes(data)
    spliced = splice_source(first, path, path.name, options, data, True)
    whole = parse_source(path, path.name, options, data)
    assert spliced is None or shown(spliced[0]) == shown(whole)


def test_a_report_between_two_edits_names_its_moved_lines(tmp_path: Path) -> None:
    """A section introduction between two edited answers, the first of which gained
    lines: its report names lines that moved."""
    text = NOTES.replace("## Regularisation\n", "## Regularisation\n\nAn introduction.\n")
    after = text.replace("It averages gradients.", "It averages\n\ngradients.").replace(
        "Units are dropped at random.", "Units are dropped, at random.")
    spliced, whole = _edited(tmp_path, text, after)
    assert any(d.code == "section-intro" for d in whole.diagnostics)
    assert spliced is None or shown(spliced) == shown(whole)


def test_another_builder_or_options_never_splice(tmp_path: Path) -> None:
    path, first = _parse(tmp_path, NOTES)
    data = _replace("It averages gradients.", "It averages.").encode("utf-8")
    path.write_bytes(data)
    assert splice_source(first, path, path.name, ParseOptions(breaks=False), data, True) is None
    assert splice_source(first, path, "other.md", ParseOptions(), data, True) is None
    assert splice_source(first, path, path.name, ParseOptions(), data, False) is None


@pytest.mark.parametrize("path", [SEED_DECK, *sorted(FIXTURES.glob("*.md"))],
                         ids=lambda p: p.name)
def test_random_edits_splice_to_the_whole_parse(tmp_path: Path, path: Path) -> None:
    spliced, edits, wrong = check_file(path, tmp_path, seed=7, count=25)
    assert wrong == []
    if path == SEED_DECK:
        assert spliced >= edits // 3, "most edits of a plain deck are parsed alone"


# Edits found by attacking the splice: each (before, after) is spliced to the whole
# parse of ``after``, or not spliced at all.
ATTACKS = {
    # The document's diagnostics come in the whole parse's order (by kind: a diagram's
    # error before an empty answer's warning), not by line as the splice joins them.
    "diagnostic-order": (
        "### Q1?\n\nTODO\n\n### Q2?\n\nA2.\n",
        "### Q1?\n\nTODO\n\n### Q2?\n\n```diagram\ntype: nope\n```\n"),
    # A file opening with a rule: a "---" added to a later answer closes it as front
    # matter, which the whole parse cuts before the first heading and reports.
    "front-matter-closed-later": (
        "---\n\n### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n",
        "---\n\n### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n\n---\n"),
    # A TOC block in the answer before the edit: its entries (and its closing marker's
    # toc_marked) are the document's until the whole parse drops them.
    "toc-in-the-old-answer": (
        "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n\n<!-- TOC -->\n- [Q1](#q1)\n\n### Q3?\n\nA3.\n",
        "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n\n- [Q1](#q1)\n\n### Q3?\n\nA3.\n"),
    "closed-toc-in-the-old-answer": (
        "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n\n<!-- TOC -->\n- [Q1](#q1)\n<!-- /TOC -->\n\n"
        "### Q3?\n\nA3.\n",
        "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n\n- [Q1](#q1)\n\n### Q3?\n\nA3.\n"),
    # A "$$" block runs on to its closer unless a heading stops it; "###<tab>Q3?" and
    # an empty "###" are headings too, but do not stop it: the whole parse swallows the
    # next question, the question parsed alone ends before it.
    "math-block-past-a-tab-heading": (
        "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n\n###\tQ3?\n\nA3 $$\n",
        "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n\n$$ x\n\n###\tQ3?\n\nA3 $$\n"),
    "math-block-past-an-empty-heading": (
        "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n\n###\n\nA3 $$\n",
        "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n\n$$ x\n\n###\n\nA3 $$\n"),
    # The same from the question before: its "$$" left open finds a closer the edit
    # writes in the next answer, past that question's "###<tab>" heading.
    "math-block-from-the-question-before": (
        "### Q1?\n\n$$ x\n\n###\tQ2?\n\nA2.\n\n### Q3?\n\nA3.\n",
        "### Q1?\n\n$$ x\n\n###\tQ2?\n\nA2 $$\n\n### Q3?\n\nA3.\n"),
    # A doubtful "$" in a picture's alt text is noted against the alt text, which is no
    # inline token's content: it blocks the file's later notes, so the whole parse drops
    # the edited answer's "dollar-pairing" warning, and the question parsed alone has it.
    "dollar-doubt-after-an-alt-text": (
        "### 问题一？\n\n![图 $ 一个，两个 $](a.png)\n\n### 问题二？\n\n回答。\n",
        "### 问题一？\n\n![图 $ 一个，两个 $](a.png)\n\n### 问题二？\n\n"
        "说明 $ 三个，四个 $ 结束\n"),
}
# A bold question numbered between two question headings is a question of its own
# (builder.parse.strays), and so is a heading above the question level that comes to ask
# with nothing under it: choices made over the whole file.
ATTACKS["bold-question-numbered-between"] = (
    "## S\n\n### 1.1 Q1?\n\nA1.\n\n### 1.3 Q3?\n\nA3.\n\n## T\n\n### 2.1 Q?\n\nA.\n",
    "## S\n\n### 1.1 Q1?\n\nA1.\n\n**1.2 Q2?**\n\nA2.\n\n### 1.3 Q3?\n\nA3.\n\n## T\n\n"
    "### 2.1 Q?\n\nA.\n")
ATTACKS["bold-questions-grouped"] = (
    "## S\n\n### 1.1 Q1?\n\nA1.\n\n### 1.2 细节\n\nA2.\n\n## T\n\n### 2.1 Q?\n\nA.\n",
    "## S\n\n### 1.1 Q1?\n\nA1.\n\n### 1.2 细节\n\n**为何这样？**\n\nA2.\n\n**何时用？**\n\n"
    "A3.\n\n## T\n\n### 2.1 Q?\n\nA.\n")
ATTACKS["section-loses-its-question"] = (
    "## S\n\n### Q1?\n\nA1.\n\n## 什么是 T？\n\nT.\n\n### Q2?\n\nA2.\n\n## U\n\n### Q3?\n\nA3.\n",
    "## S\n\n### Q1?\n\nA1.\n\n## 什么是 T？\n\nT.\n\n## U\n\n### Q3?\n\nA3.\n")
# A footnote, like a link reference, is defined once and cited anywhere in the file: a
# definition the edit adds belongs in the untouched question citing it.
ATTACKS["footnote-defined-by-the-edit"] = (
    "### Q1?\n\nSee[^1].\n\n### Q2?\n\nA2.\n",
    "### Q1?\n\nSee[^1].\n\n### Q2?\n\nA2.\n\n[^1]: Note.\n")
# A ::: container may not hold a heading: opened in one answer and closed in a later one
# it stays text in both, and an edit closing it before the next heading makes it a box.
ATTACKS["container-spanning-questions"] = (
    "### Q1?\n\n::: tip\nA1.\n\n### Q2?\n\nA2.\n:::\n\n### Q3?\n\nA3.\n",
    "### Q1?\n\n::: tip\nA1.\n\n### Q2?\n\nA2, longer.\n:::\n\n### Q3?\n\nA3.\n")
ATTACKS["container-closed-by-the-edit"] = (
    "### Q1?\n\n::: tip\nA1.\n\n### Q2?\n\nA2.\n:::\n",
    "### Q1?\n\n::: tip\nA1.\n:::\n\n### Q2?\n\nA2.\n:::\n")
ATTACKS["container-opened-by-the-edit"] = (
    "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n:::\n\n### Q3?\n\nA3.\n",
    "### Q1?\n\n::: details 答案\nA1.\n\n### Q2?\n\nA2.\n:::\n\n### Q3?\n\nA3.\n")
# A callout that asks is a question where no heading question is open: an edit inside a
# heading question's answer keeps it there.
ATTACKS["asking-callout-in-an-answer"] = (
    "## S\n\n### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n",
    "## S\n\n### Q1?\n\nA1.\n\n> [!faq] Why?\n> Because.\n\n### Q2?\n\nA2.\n")
# An inline note is numbered in its own card: parsed alone, it is numbered the same.
ATTACKS["inline-note-added"] = (
    "### Q1?\n\nA1^[one].\n\n### Q2?\n\nA2.\n",
    "### Q1?\n\nA1^[one].\n\n### Q2?\n\nA2^[two] and^[three].\n")
# Closed fences read for headings are counted over the whole file: a fence taken out
# of one answer lets the whole parse read (and report) a later one.
_FENCES = "\n\n".join(["```\nx\n```"] * (INSPECTED - 1))
_BUDGET = (f"### Q1?\n\n{_FENCES}\n\n### Q2?\n\nA2.\n\n```\ny\n```\n\n"
           "### Q3?\n\n```\n### H\n```\n")
ATTACKS["fence-budget"] = (_BUDGET, _BUDGET.replace("A2.\n\n```\ny\n```\n", "A2.\n"))
OPTIONS = {
    # Levels asked for that cannot be (a "levels" error on line 1): the whole parse
    # walks with the section level lowered, so a "##" line in a code block is reported.
    "levels-error-fence": (ParseOptions(section_level=3, question_level=3), (
        "# T\n\n### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n",
        "# T\n\n### Q1?\n\nA1.\n\n### Q2?\n\n```\n## not a heading\n```\n")),
}


@pytest.mark.parametrize("case", sorted(ATTACKS))
def test_an_attacking_edit_splices_to_the_whole_parse(tmp_path: Path, case: str) -> None:
    before, after = ATTACKS[case]
    spliced, whole = _edited(tmp_path, before, after)
    assert spliced is None or shown(spliced) == shown(whole)


@pytest.mark.parametrize("case", sorted(OPTIONS))
def test_an_attacking_edit_under_options_splices_to_the_whole_parse(tmp_path: Path,
                                                                   case: str) -> None:
    options, (before, after) = OPTIONS[case]
    spliced, whole = _edited(tmp_path, before, after, options)
    assert spliced is None or shown(spliced) == shown(whole)


def test_a_file_with_questions_outside_its_level_is_parsed_whole(tmp_path: Path) -> None:
    before, after = ATTACKS["bold-question-numbered-between"]
    edited = after.replace("A3.", "A3, longer.")
    spliced, whole = _edited(tmp_path, after, edited)
    assert spliced is None and whole.document is not None
    assert [c.question_text for c in whole.document.cards] == [
        "1.1 Q1?", "1.2 Q2?", "1.3 Q3?", "2.1 Q?"]
    spliced, whole = _edited(tmp_path, before, after)
    assert spliced is None


@pytest.mark.parametrize("case", ["container-spanning-questions", "asking-callout-in-an-answer",
                                  "inline-note-added"])
def test_edits_by_callouts_and_inline_notes_are_spliced_as_the_whole_parse(
        tmp_path: Path, case: str) -> None:
    before, after = ATTACKS[case]
    spliced, whole = _edited(tmp_path, before, after)
    assert spliced is not None and shown(spliced) == shown(whole)


def test_an_edit_that_leaves_a_container_open_is_parsed_whole(tmp_path: Path) -> None:
    before = "### Q1?\n\nA1.\n\n### Q2?\n\nA2.\n"
    spliced, whole = _edited(tmp_path, before, before.replace("A1.", "::: tip\nA1."))
    assert spliced is None
    assert whole.document is not None and "container-unclosed" in [
        d.code for d in whole.document.diagnostics]


def test_a_file_with_a_tag_line_is_parsed_whole(tmp_path: Path) -> None:
    """A question's tags come from the tag line above it, which its own lines may not
    hold: an edit below one is not spliced (builder.parse.taglines)."""
    text = _replace("## Optimisation\n", "## Optimisation\n\n#flashcards/optimisers\n")
    spliced, whole = _edited(tmp_path, text, text.replace("Adaptive moments.", "Adaptive."))
    assert whole.document is not None
    assert [card.tags for card in whole.document.cards][:3] == [("flashcards/optimisers",)] * 3
    assert spliced is None

"""Text outside the questions: introductions, stray headings, unclosed fences and front matter.

Parser-level tests over the fixtures written for each pattern, then end-to-end builds
through the CLI, imported into real Anki and read back from the PDF with pypdf.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.model import Diagnostic, Document, plain_text
from builder.parse.document import ParseOptions, parse_file, parse_text

from .conftest import FIXTURES, imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection

# These patterns are about text outside the questions at levels the author set: with
# levels detected, a file of stray headings is often read some other way (builder.parse.detect).
FIXED = ParseOptions(section_level=2, question_level=3)


def parsed(name: str) -> Document:
    return parse_file(FIXTURES / name, name, FIXED)


def by_code(doc: Document, code: str) -> list[Diagnostic]:
    return [d for d in doc.diagnostics if d.code == code]


def questions(doc: Document) -> list[str]:
    return [c.question_text for c in doc.cards]


def intro_text(doc: Document) -> list[str]:
    return [plain_text(tuple(n for b in s.intro for n in b.walk() if n.kind != "heading"))
            for s in doc.sections if s.intro]


# -- introductions ---------------------------------------------------------------------------

def test_section_introductions_are_kept_and_reported_as_notes() -> None:
    doc = parsed("section-intro.md")
    assert questions(doc) == ["What does the learning rate control?", "Why use momentum?",
                              "What is weight decay?"]
    intros = {s.path: s.intro for s in doc.sections}
    assert [n.kind for n in intros[()]] == ["paragraph"]
    assert [n.kind for n in intros[("Gradient descent",)]] == ["paragraph", "bullet_list"]
    assert [(n.line, n.end_line) for n in intros[("Gradient descent",)]] == [(8, 8), (10, 11)]
    assert [n.kind for n in intros[("Regularisation",)]] == ["blockquote"]
    notes = by_code(doc, "section-intro")
    assert [(d.severity, d.loc.line, d.end_line) for d in notes] == [
        ("note", 3, 4), ("note", 8, 11), ("note", 23, 23)]
    assert "under 'Gradient descent'" in notes[1].message
    assert "cheat sheet only" in notes[1].message and "### question heading" in notes[1].message


def test_an_introductions_formula_is_the_sections_not_the_next_cards() -> None:
    doc = parsed("section-intro.md")
    section = next(s for s in doc.sections if s.path == ("Gradient descent",))
    assert [f.tex for f in section.formulas] == [r"\theta \leftarrow \theta - \eta \nabla L"]
    assert all(not card.formulas for card in doc.cards)


def test_text_before_the_first_heading_is_the_files_introduction() -> None:
    doc = parsed("preamble.md")
    assert doc.settings.deck == "Preamble"
    first = doc.sections[0]
    assert first.path == () and not first.cards
    assert [n.kind for n in first.intro] == ["paragraph", "table"]
    (note,) = by_code(doc, "section-intro")
    assert (note.loc.line, note.end_line) == (4, 8) and "top of the file" in note.message


def test_a_file_without_questions_reports_no_introduction() -> None:
    doc = parse_text("Just some text.\n\n## A section\n\nMore text.\n", "n.md", FIXED)
    assert not doc.cards and not by_code(doc, "section-intro")


def test_headings_below_the_question_level_under_no_question_are_a_warning() -> None:
    doc = parsed("orphan-heading.md")
    assert questions(doc) == ["What is precision?"]
    (warning,) = by_code(doc, "orphan-heading")
    assert warning.severity == "warning"
    assert (warning.loc.line, warning.end_line) == (3, 9)
    assert "line 3, line 7" in warning.message and "write them as ### headings" in warning.message
    assert not by_code(doc, "section-intro")
    losses = doc.sections[0]
    assert [n.kind for n in losses.intro] == ["heading", "paragraph", "heading", "paragraph"]


def test_an_empty_section_is_a_note_but_a_parent_of_sections_is_not() -> None:
    doc = parse_text("## Parent\n### Q\nA\n## Empty\n## Next\n### Q2\nB\n", "n.md")
    (note,) = by_code(doc, "empty-section")
    assert note.loc.line == 4 and "'Empty'" in note.message
    nested = parse_text("---\nquestion_level: 4\n---\n## Part\n### Chapter\n#### Q\nA\n", "n.md")
    assert not by_code(nested, "empty-section")


def test_a_second_title_is_a_warning_naming_it() -> None:
    doc = parse_text("# Notes\n## S\n### Q\nA\n# Part two\n### Q2\nB\n", "n.md", FIXED)
    (warning,) = by_code(doc, "extra-title")
    assert warning.loc.line == 5 and "'Part two'" in warning.message
    assert questions(doc) == ["Q", "Q2"]


# -- stray headings ----------------------------------------------------------------------------

def test_a_stray_setext_line_that_cuts_an_answer_is_a_warning() -> None:
    doc = parsed("setext-stray.md")
    warnings = by_code(doc, "setext-heading")
    assert [(d.loc.line, d.end_line) for d in warnings] == [(5, 7), (13, 15)]
    assert "'Why does the loss plateau?'" in warnings[0].message
    assert "blank line above the '==='" in warnings[0].message
    assert "level 2 heading" in warnings[1].message
    # What followed the stray heading is kept (in the PDF), and said so.
    assert [(d.loc.line, d.end_line) for d in by_code(doc, "section-intro")] == [(9, 9), (16, 16)]
    assert questions(doc)[-1] == "What is a learning-rate warm-up?"


def test_setext_headings_of_an_author_who_writes_them_on_purpose_are_not_warned() -> None:
    doc = parse_text("Notes\n=====\n\nBasics\n------\n### Q\nA\n", "n.md")
    assert not by_code(doc, "setext-heading")
    assert doc.cards[0].section_path == ("Basics",)


# -- unclosed fences ---------------------------------------------------------------------------

def test_an_unclosed_fence_before_a_question_is_cut_there_and_reported() -> None:
    doc = parsed("unclosed-fence.md")
    assert questions(doc) == ["Write a convolution in numpy", "What does a 1x1 convolution do?",
                              "What is a depthwise convolution?"]
    code = doc.cards[0].answer[0]
    assert code.kind == "code_block" and "def conv2d" in code.text and "###" not in code.text
    # The next fence pairs with its own closing line again.
    second = doc.cards[1].answer
    assert [n.kind for n in second] == ["paragraph", "code_block"]
    assert "einsum" in second[1].text
    (warning,) = by_code(doc, "unclosed-fence")
    assert (warning.severity, warning.loc.line, warning.end_line) == ("warning", 5, 9)
    assert "'### What does a 1x1 convolution do?' (line 10)" in warning.message


def test_an_unclosed_fence_at_the_end_is_reported_at_its_opening_line() -> None:
    doc = parsed("unclosed-fence-eof.md")
    (warning,) = by_code(doc, "unclosed-fence")
    assert (warning.loc.line, warning.end_line) == (7, 11)
    assert "never closed" in warning.message
    # A `# comment` is not taken for a heading: the code stays whole.
    assert "# shift for stability" in doc.cards[0].answer[-1].text


def test_an_unclosed_fence_before_any_heading_names_the_questions_it_swallowed() -> None:
    doc = parse_text("```\ncode\n## S\n### Q1\nA\n### Q2\nB\n", "n.md", FIXED)
    assert not doc.cards
    (warning,) = by_code(doc, "unclosed-fence")
    assert "'## S' (line 3)" in warning.message and "'### Q2' (line 6)" in warning.message


def test_a_closed_fence_showing_markdown_is_left_whole() -> None:
    text = "## S\n### Q\n````markdown\n## Title\n### Question\n```python\nx\n```\n````\n"
    doc = parse_text(text, "n.md")
    assert questions(doc) == ["Q"] and not by_code(doc, "unclosed-fence")
    assert "### Question" in doc.cards[0].answer[0].text


def test_an_unclosed_fence_in_a_list_item_is_reported() -> None:
    doc = parse_text("## S\n### Q\n- step\n  ```\n  x = 1\n- next\n", "n.md")
    (warning,) = by_code(doc, "unclosed-fence")
    assert warning.loc.line == 4


# -- front matter and TOC ----------------------------------------------------------------------

def test_unclosed_front_matter_is_an_error_at_line_1() -> None:
    doc = parsed("unclosed-front-matter.md")
    (error,) = by_code(doc, "front-matter")
    assert (error.severity, error.loc.line, error.end_line) == ("error", 1, 3)
    assert "add a '---' line after line 3" in error.message
    assert not any(s.intro for s in doc.sections)  # the YAML is not printed as text
    assert questions(doc) == ["What is a tensor?"]


def test_a_rule_at_the_top_is_not_front_matter() -> None:
    doc = parse_text("---\nSome words, not YAML: a list [\n\n## S\n### Q\nA\n", "n.md")
    assert not by_code(doc, "front-matter")


def test_an_unclosed_toc_ends_at_the_first_heading() -> None:
    doc = parsed("unclosed-toc.md")
    assert questions(doc) == ["Why ReLU?"]
    assert [e.anchor for e in doc.toc] == ["activations", "why-relu"]
    (warning,) = by_code(doc, "toc-unclosed")
    assert (warning.loc.line, warning.end_line) == (1, 5)


def test_the_seed_gets_none_of_these_diagnostics() -> None:
    doc = parsed("deep-learning-interview.md")
    new_codes = {"section-intro", "orphan-heading", "setext-heading", "extra-title",
                 "empty-section", "unclosed-fence", "toc-unclosed", "fence-heading"}
    assert not [d for d in doc.diagnostics if d.code in new_codes]
    assert not any(s.intro for s in doc.sections)


# -- end to end ------------------------------------------------------------------------------

def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_introductions_reach_the_pdf_and_no_card(tmp_path: Path, collection: Collection) -> None:
    pypdf = pytest.importorskip("pypdf")
    shutil.copy(FIXTURES / "section-intro.md", tmp_path / "notes.md")
    result = run("notes.md", "--no-lock", "--out", "out")
    assert result.exit_code == 0, result.output
    assert re.search(r"notes\.md:8:1: note: lines 8-11 under 'Gradient descent' .*"
                     r"\[section-intro\]", result.output)
    (package,) = (tmp_path / "out").glob("*.apkg")
    notes = imported_notes(collection, package)
    fields = " ".join(note["Answer"] + note["Question"] for note in notes)
    assert len(notes) == 3
    assert "whole training set" not in fields and "biases" not in fields
    (sheet,) = (tmp_path / "out").glob("*.pdf")
    pdf_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(sheet).pages)
    flat = re.sub(r"\s+", " ", pdf_text)
    for words in ("optimisers asked about most often", "the whole training set per step",
                  "not the biases", "Gradient descent moves against the gradient"):
        assert words in flat, words
    assert "𝜃 ← 𝜃 − 𝜂∇𝐿" in flat and "\\theta" not in flat  # the formula typeset, not TeX
    # Order: a section's introduction comes after its title and before its questions.
    assert (flat.index("Gradient descent moves") < flat.index("What does the learning rate")
            < flat.index("not the biases") < flat.index("What is weight decay"))


def test_notes_do_not_fail_strict_but_warnings_do(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "section-intro.md", tmp_path / "intro.md")
    result = run("intro.md", "--no-lock", "--format", "apkg", "--strict", "--out", "a")
    assert result.exit_code == 0, result.output
    assert "[section-intro]" in result.output
    shutil.copy(FIXTURES / "unclosed-fence.md", tmp_path / "fence.md")
    strict = run("fence.md", "--no-lock", "--format", "apkg", "--strict", "--out", "b")
    assert strict.exit_code == 1 and "[unclosed-fence]" in strict.output
    assert not list((tmp_path / "b").glob("*.apkg"))


def test_a_note_is_silenced_by_its_code(tmp_path: Path) -> None:
    source = (FIXTURES / "section-intro.md").read_text(encoding="utf-8")
    write(tmp_path / "n.md", "---\nignore: [section-intro]\n---\n" + source)
    result = run("check", "n.md", "--no-lock")
    assert result.exit_code == 0 and "section-intro" not in result.output


def test_questions_after_an_unclosed_fence_reach_anki(
        tmp_path: Path, collection: Collection) -> None:
    shutil.copy(FIXTURES / "unclosed-fence.md", tmp_path / "fence.md")
    result = run("fence.md", "--no-lock", "--format", "apkg", "--math", "mathjax",
                 "--out", "out")
    assert result.exit_code == 0, result.output
    assert "fence.md:5:1: warning: code fence '```' is not closed before" in result.output
    found = {note["Question"]
             for note in imported_notes(collection, tmp_path / "out" / "fence.apkg")}
    assert found == {"Write a convolution in numpy", "What does a 1x1 convolution do?",
                     "What is a depthwise convolution?"}


def test_a_sheet_in_parts_keeps_each_introduction_once_with_its_first_questions() -> None:
    from builder.pdf.parts import CONTINUED, split

    from .test_pdf import sections_of

    intro = [{"kind": "paragraph", "children": [{"kind": "text", "text": "intro"}]}]
    payload = {"count": 6, "sections": [
        {"title": "Preface", "cards": [], "intro": intro},
        {"title": "S1", "cards": [{"n": i, "q": []} for i in range(6)], "intro": intro},
    ]}
    parts = split(payload, size=4)
    assert parts is not None
    layout = [[(s["title"], len(s["cards"]), "intro" in s) for s in sections_of(part)]
              for part in parts]
    assert layout == [[("Preface", 0, True), ("S1", 4, True)],
                      [(f"S1{CONTINUED}", 2, False)]]


def test_a_comment_before_the_first_question_is_no_introduction() -> None:
    doc = parse_text("## S\n<!-- draft: rewrite this -->\n### Q\nA\n", "n.md")
    assert not any(s.intro for s in doc.sections) and not by_code(doc, "section-intro")


def test_thousands_of_unclosed_fences_are_cut_a_bounded_number_of_times() -> None:
    from builder.parse.fences import MAX_CUTS

    text = "# T\n## S\n" + "### Q{}\n```python\ncode\n" * (MAX_CUTS + 40)
    doc = parse_text(text.format(*range(MAX_CUTS + 40)), "n.md")
    warnings = by_code(doc, "unclosed-fence")
    assert len(doc.cards) == len(warnings) == MAX_CUTS + 1
    last = warnings[-1].message
    assert "never closed" in last and f"'### Q{MAX_CUTS + 1}'" in last
    assert all("is not closed before the heading" in w.message for w in warnings[:-1])


def test_bare_fences_turned_inside_out_by_a_missing_close_are_reported() -> None:
    text = ("## S\n### Q1\n```\nx = 1\n\n### Q2\nprose\n```\ny = 2\n```\n\n"
            "### Q3\nmore prose\n```\n")
    doc = parse_text(text, "n.md")
    assert questions(doc) == ["Q1"]
    warnings = by_code(doc, "fence-heading")
    assert [(w.loc.line, w.end_line) for w in warnings] == [(3, 8), (10, 14)]
    assert "'### Q2' (line 6)" in warnings[0].message
    assert "'### Q3' (line 12)" in warnings[1].message
    shown = parse_text("## S\n### Q\n```markdown\n### Heading\n```\n", "n.md")
    assert not by_code(shown, "fence-heading")


def test_a_comment_line_is_no_cut_point_in_a_file_with_one_title() -> None:
    doc = parse_text("# Snippets\n## S\n### Q\n```bash\n# install\npip install x\n", "n.md")
    assert "# install\npip install x" in doc.cards[0].answer[0].text
    (warning,) = by_code(doc, "unclosed-fence")
    assert "never closed" in warning.message
    sections = parse_text("# A\n### Q\nx\n# B\n### Q2\n```bash\ncode\n# C\n### Q3\ny\n", "n.md")
    assert questions(sections) == ["Q", "Q2", "Q3"]  # `#` is a level this file uses


def test_a_heading_between_the_section_and_question_levels_keeps_its_questions() -> None:
    doc = parsed("between-levels.md")
    assert [(c.question_text, c.section_path) for c in doc.cards] == [
        ("What is an anchor?", ("Vision", "Detection")),
        ("What is a skip connection in U-Net?", ("Vision", "Segmentation"))]
    (note,) = by_code(doc, "section-intro")
    assert (note.loc.line, note.end_line) == (8, 8) and "under 'Detection'" in note.message
    assert "#### question heading" in note.message
    assert not by_code(doc, "empty-section")  # 'Vision' holds the two subsections


def test_a_stray_setext_line_at_the_question_level_says_it_starts_a_question() -> None:
    doc = parse_text("---\nquestion_level: 2\nsection_level: 1\n---\n## Q\nline one\n---\nrest\n",
                     "n.md")
    (warning,) = by_code(doc, "setext-heading")
    assert "(a new question)" in warning.message
    assert questions(doc) == ["Q", "line one"]


def test_only_so_many_closed_fences_are_read_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.parse import fences

    monkeypatch.setattr(fences, "INSPECTED", 2)
    text = "## S\n### Q\n" + "```\n### inside\n```\n" * 3
    assert len(by_code(parse_text(text, "n.md"), "fence-heading")) == 2


def test_a_file_without_questions_gets_only_the_no_questions_warning() -> None:
    doc = parse_text("# One\ntext\n# Two\n## Empty\n#### deep\nmore\n", "n.md", FIXED)
    assert not doc.cards and not doc.diagnostics


def test_a_missing_picture_in_an_introduction_is_reported_when_the_pdf_is_built(
        tmp_path: Path) -> None:
    write(tmp_path / "n.md", "## S\nSee ![p](gone.png) first.\n\n### Q\nA\n")
    result = run("n.md", "--no-lock", "--out", "out")
    assert "n.md:2:5: warning: image not found: gone.png [image-missing]" in result.output
    cards_only = run("n.md", "--no-lock", "--format", "apkg", "--out", "apkg")
    assert "image-missing" not in cards_only.output  # nothing shows the introduction


def test_questions_one_level_too_deep_are_printed_and_warned(tmp_path: Path,
                                                           collection: Collection) -> None:
    pypdf = pytest.importorskip("pypdf")
    shutil.copy(FIXTURES / "orphan-heading.md", tmp_path / "deep.md")
    result = run("deep.md", "--no-lock", "--out", "out", "--section-level", "2",
                 "--question-level", "3")
    assert result.exit_code == 0, result.output
    assert "deep.md:3:1: warning: lines 3-9 under 'Losses' hold heading(s)" in result.output
    assert len(imported_notes(collection, tmp_path / "out" / "deep.apkg")) == 1
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "out" /
                                                              "deep.pdf").pages)
    flat = re.sub(r"\s+", " ", text)
    assert "What is cross entropy?" in flat and "max(0, 1 - y f(x))" in flat


def test_front_matter_closed_only_by_a_later_rule_is_cut_before_its_first_heading() -> None:
    doc = parsed("front-matter-runaway.md")
    assert doc.settings.deck == "Runaway" and doc.settings.tags == ("basics",)
    assert questions(doc) == ["What is a loss function?", "What is an epoch?"]
    assert [n.kind for n in doc.cards[0].answer] == ["paragraph", "hr"]
    (error,) = by_code(doc, "front-matter")
    assert (error.severity, error.loc.line, error.end_line) == ("error", 1, 4)
    assert "closed only by the '---' at line 11" in error.message
    assert "'## Basics' (line 5), '### What is a loss function?' (line 7)" in error.message
    assert "add a '---' line before line 5" in error.message


def test_front_matter_with_yaml_comments_is_left_alone() -> None:
    text = "---\n# settings\ndeck: D\n\n# more comments\ntags: [a]\n---\n## S\n### Q\nA\n"
    doc = parse_text(text, "n.md")
    assert doc.settings.deck == "D" and doc.settings.tags == ("a",)
    assert not by_code(doc, "front-matter")
    glued = parse_text("---\ndeck: D\n## the tags\ntags: [a]\n---\n## S\n### Q\nA\n", "n.md")
    assert glued.settings.tags == ("a",) and not by_code(glued, "front-matter")


def test_a_line_separator_character_does_not_shift_the_cut() -> None:
    text = "## S\n### Q1\n```\na\u2028b\r\nc\n### Q2\nanswer two\n"
    doc = parse_text(text, "n.md")
    assert questions(doc) == ["Q1", "Q2"]
    assert doc.cards[1].loc.line == 6 and doc.cards[1].answer[0].line == 7
    runaway = parse_text("---\ndeck: D\u2028x\n\n## S\n### Q\nA\n\n---\n", "n.md")
    assert questions(runaway) == ["Q"] and runaway.cards[0].loc.line == 5


def test_an_introduction_under_a_heading_of_pictures_names_the_heading_line() -> None:
    doc = parse_text("## S\n### Q\nA\n\n![x](a.png)\n---\ntext\n### Q2\nB\n", "n.md")
    (note,) = by_code(doc, "section-intro")
    assert "line 7 under the heading at line 5 is before" in note.message


def test_an_introduction_in_a_file_of_bold_questions_names_no_heading_level() -> None:
    doc = parse_text("# Notes\n\nSome words first.\n\n**What is a tensor?**\n\nAn array.\n\n"
                     "**What is a gradient?**\n\nA vector of partial derivatives.\n", "n.md")
    assert len(doc.cards) == 2
    (note,) = by_code(doc, "section-intro")
    assert note.loc.line == 3
    assert "put a question (a whole bold line such as **…?**) above it" in note.message
    assert "#" not in note.message


def test_comment_lines_in_labelled_code_are_not_reported_as_swallowed_headings() -> None:
    # Real notes: '# 假设 train_ds 已准备好' in ```python, '# permanent:' in ```bash, in a
    # file whose sections are `#` headings.
    text = ("# Tuning\n\n**How to fine-tune with LoRA?**\n\n```python\n# 1. load the base model\n"
            "model = load()\n## a loud comment\n```\n\n# Serving\n\n**How to serve it?**\n\n"
            "```bash\n# start the server\nvllm serve ./merged\n```\n")
    doc = parse_text(text, "n.md")
    assert doc.settings.structure == "sections #, questions bold lines"
    assert questions(doc) == ["How to fine-tune with LoRA?", "How to serve it?"]
    assert not by_code(doc, "fence-heading")
    # Questions are `#` headings: a comment at their level reads as no question.
    text = "# What is vLLM?\n\n```python\n# 初始化模型\nllm = LLM()\n```\n\n# Why paging?\n\nx\n"
    doc = parse_text(text, "q.md")
    assert questions(doc) == ["What is vLLM?", "Why paging?"]
    assert not by_code(doc, "fence-heading")


def test_a_question_swallowed_by_labelled_code_is_still_reported() -> None:
    # ```python lacks its close; the bare fence meant to open the next block closes it.
    text = ("## S\n### Q1\n```python\n# setup\nx = 1\n\n### Q2\nprose two\n```\ny = 2\n```\n\n"
            "### Q3\nprose three\n")
    doc = parse_text(text, "n.md")
    assert questions(doc) == ["Q1", "Q3"]
    (warning,) = by_code(doc, "fence-heading")
    assert "'### Q2' (line 7)" in warning.message and "'# setup'" not in warning.message


def test_a_section_of_unanswered_questions_names_its_heading() -> None:
    # Real notes: "## 4. RNN" holding only "- **RNN有什么缺陷？**", not yet answered: the
    # question is left out (empty-answer), and its section heading shows nowhere either.
    text = ("# DL\n\n## 1. CNN\n\n### Why CNN?\n\nLocality.\n\n## 2. RNN\n\n### Why LSTM?\n\n"
            "## 3. GAN\n\n### What is a GAN?\n\nTODO\n\n## 4. Attention\n\n### Why attend?\n\n"
            "#### Soft attention\n\nWeights.\n")
    doc = parse_text(text, "d.md")
    notes = by_code(doc, "empty-section")
    assert [(n.loc.line, n.end_line) for n in notes] == [(9, 9), (13, 13)]
    assert "'2. RNN' has only questions without answers" in notes[0].message
    assert [c.question_text for c in doc.cards if c.answer] == ["Why CNN?", "Why attend?"]

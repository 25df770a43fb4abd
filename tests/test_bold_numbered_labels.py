"""Lines opening with a bold number and going on after it (``**1. 第一次握手：** 客户端发
SYN。``): inside an answer, numbered from 1 again, they label its points; numbered on from
the questions, they are questions (``**2. Bias-variance:** how …?``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_numbered_labels_stay_in_the_answer_they_number(collection: Collection) -> None:
    result, package = build_fixture_deck("bold-numbered-labels")
    assert "warning" not in result.output.replace("0 warning(s)", ""), result.output
    answers = answers_by_question(imported_notes(collection, package))
    assert list(answers) == ["1. 什么是三次握手？", "2. 什么是四次挥手？",
                             "3. 为什么是三次而不是两次？", "UDP 和 TCP 有什么不同？",
                             "UDP 适合什么场景？"]
    first, last = answers["1. 什么是三次握手？"], answers["3. 为什么是三次而不是两次？"]
    for said in ("第一次握手：", "客户端发 SYN。", "第三次握手：", "客户端回 ACK。"):
        assert said in first, first
    # The last answer's points, numbered 1, 2 with nothing after them, are points too.
    assert "防止旧的连接请求。" in last and "客户端进入 SYN_SENT。" in last, last
    # Under a question without a number, points closed by the next whole bold question.
    assert "UDP 不保证送达。" in answers["UDP 和 TCP 有什么不同？"]


def test_lines_numbered_on_from_the_questions_stay_questions(collection: Collection) -> None:
    result, package = build_fixture_deck("bold-numbered-lead-in-questions")
    assert "warning" not in result.output.replace("0 warning(s)", ""), result.output
    answers = answers_by_question(imported_notes(collection, package))
    assert list(answers) == [
        "1. What is overfitting?", "<b>2. Bias-variance:</b> how does the error of a model split?",
        "<b>3. Regularisation:</b> why penalise large weights?", "4. What is dropout?",
        # A section numbers its questions from 1 again: no answer holds them.
        "<b>1. Batch norm:</b> what does it normalise?",
        "<b>2. Residuals:</b> why do they help?",
        # Numbered after a question without a number, and nothing after them says they
        # are points: the file's questions, as before.
        "Which model should a baseline use?", "<b>1. Trees:</b> when do they win?",
        "<b>2. Linear models:</b> when do they win?"]
    # "1." under question 1 starts again: a point of its answer; the "2." after it is
    # the next question, as "3." and "4." counting on from it show.
    assert "Symptom:" in answers["1. What is overfitting?"]
    assert "Into bias, variance and noise." in answers[
        "<b>2. Bias-variance:</b> how does the error of a model split?"]


def _questions(name: str, collection: Collection, points: str = "") -> list[str]:
    """The questions of the fixture's deck; ``points``: the lines its one note names as an
    answer's numbered points ("" when no line is read so)."""
    result, package = build_fixture_deck(name)
    noted = [line for line in result.output.splitlines() if "[numbered-points]" in line]
    assert noted == [] if not points else len(noted) == 1 and f"(lines {points})" in noted[0], \
        result.output
    return [q.replace("<b>", "").replace("</b>", "")
            for q in answers_by_question(imported_notes(collection, package))]


def test_a_bold_line_naming_a_part_starts_the_numbering_again(collection: Collection) -> None:
    # "**Part B: …**" asks nothing: like a heading, it ends the answer above it, so the
    # "1." under it is no point of question 2's answer, nor "1. TCP" of "Part A"'s (case A).
    # (The parts' names are questions without an answer: warned of and left out, as before.)
    assert _questions("bold-numbered-parts", collection) == [
        "1. TCP: its guarantee.", "2. UDP: its trade-off.", "1. Process: its memory.",
        "2. Thread: its share.", "3. Page: its size.",
        # Under a question without a number, a run ended by a part's name is no answer's
        # points either, nor is one in a part ended by a whole bold question.
        "Which layer carries a port number?", "1. Port: its width.", "2. Socket: its parts.",
        "1. Disk: its unit.", "2. Cache: its place.", "Which is faster, a disk or a cache?"]


def test_a_rule_starts_the_numbering_again(collection: Collection) -> None:
    # "---" parts the file as a heading would: 1, 2 after it are questions (case B).
    assert _questions("bold-numbered-after-rule", collection) == [
        "1. TCP: its guarantee.", "2. UDP: its trade-off.", "1. Process: its memory.",
        "2. Thread: its share."]


def test_a_run_reaching_the_next_number_at_the_end_stays_questions(
        collection: Collection) -> None:
    # 1-4 under question 2 with nothing after them: the "3." may be the next question or a
    # third point, so nothing is taken from the old reading.
    assert _questions("bold-numbered-restart-at-end", collection) == [
        "1. TCP: its guarantee.", "2. UDP: its trade-off.", "1. Process: its memory.",
        "2. Thread: its share.", "3. Page: its size.", "4. Swap: its place."]


def test_lead_ins_that_ask_stay_questions_before_a_whole_bold_question(
        collection: Collection) -> None:
    # Case C: a whole bold question after "1. Trees", "2. Linear models" used to make them
    # the points of "Which model …?"; they ask, so they are questions.
    questions = _questions("bold-numbered-lead-ins-asking", collection, points="9")
    assert questions[-4:] == [
        "Which model should a baseline use?", "1. Trees: when do they win?",
        "2. Linear models: when do they win?", "Which loss should a classifier use?"]


def test_the_lines_read_as_points_are_named_in_one_note() -> None:
    from click.testing import CliRunner

    from builder.cli import main

    from .conftest import FIXTURES

    result = CliRunner().invoke(main, ["check", str(FIXTURES / "bold-numbered-labels.md")])
    notes = [line for line in result.output.splitlines() if "[numbered-points]" in line]
    assert len(notes) == 1, result.output
    assert ":9:" in notes[0] and "lines 9, 11, 13, 23, 25, 33, 35)" in notes[0], notes

"""Cards written for Obsidian's spaced-repetition plugin: ``?`` lines and ``::`` lines."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.model import Document, plain_text
from builder.parse.document import ParseOptions, parse_file, parse_text

from .conftest import FIXTURES, import_apkg

if TYPE_CHECKING:
    from anki.collection import Collection

CARDS = {
    "What does batch normalization normalise?": "scales by gamma",
    "Softmax 为什么要减去最大值（数值稳定）": "防止 exp 溢出",
    "BN 在测试时用什么统计量？": "滑动平均",
    "Why does LayerNorm suit Transformers?": "batch size",
    "What is a GELU?": "A smooth ReLU",
    "为什么 Dropout 能防止过拟合？": "子网络的集成",
    "L1 为什么稀疏？": "最优解常落在坐标轴上",
}


def _cards(doc: Document) -> dict[str, str]:
    return {card.question_text: plain_text(card.answer) for card in doc.cards}


def test_each_card_form_of_the_plugin_is_a_question() -> None:
    doc = parse_file(FIXTURES / "spaced-repetition-cards.md", "spaced-repetition-cards.md")
    found = _cards(doc)
    assert [card.loc.line for card in doc.cards] == [5, 10, 15, 20, 22, 27, 28]
    assert [re.sub(r"\s+", "", q) for q in found] == [re.sub(r"\s+", "", q) for q in CARDS]
    for (question, answer), snippet in zip(found.items(), CARDS.values(), strict=True):
        assert snippet in answer, question
        assert "?" not in answer.split("\n")[0][:2], question  # the separator is no answer
    # The question ends where the separator is: neither colons nor answer in it.
    assert found["Why does LayerNorm suit Transformers?"].startswith("It normalises")
    l1 = doc.cards[-1]
    # The fenced code after the item, up to the next question, is the answer's.
    assert [n.kind for n in l1.answer][:2] == ["paragraph", "code_block"]
    assert "w.abs().sum()" in l1.answer[1].text
    # A qualified name and a Dataview field part nothing: the paragraph stays text.
    assert "std::vector" in plain_text(l1.answer) and "url:: https" in plain_text(l1.answer)


def test_a_separator_after_a_blank_line_is_no_card_and_is_said() -> None:
    doc = parse_file(FIXTURES / "spaced-repetition-cards.md", "spaced-repetition-cards.md")
    assert "Weight decay" not in " ".join(_cards(doc))
    assert "对 SGD 一样" in plain_text(doc.cards[-1].answer)  # kept as text, not lost
    result = CliRunner().invoke(main, ["check", str(FIXTURES / "spaced-repetition-cards.md")])
    (warning,) = [line for line in result.output.splitlines() if "[sr-separator]" in line]
    assert warning.startswith(f"{FIXTURES / 'spaced-repetition-cards.md'}:40:1: warning: '?'")


@pytest.mark.parametrize("text", [
    "What is std::move?",  # a qualified name
    "What does std::move do?",  # a qualified name inside a question
    "How to use Vec::new",  # a short name before the colons reads as code
    "What is my_mod::item",
    "Why does Module::function fail?",  # the line goes on to ask: a name in a question
    "Why does Module::function fail with `None`?",  # a '?' after code still asks
    "What does Config::load do? It reads the file.",  # a '?' anywhere after the colons
    "How does Router::dispatch pick a route - by longest match.",  # Capital::lowercase
    "Why does module::function fail with `None`?",  # lowercase: the '?' alone tells
    "What does config::load do? It reads the file.",
    "url:: https://example.com",  # a Dataview field: the key does not ask
    "Gradient descent :: an optimiser",  # a term, neither asking nor bold
    "What is `a::b` in Rust?",  # colons in code
    "What is BN?::",  # nothing after the colons
    "Is `::` a separator?\nyes",
    "?\nan answer with no question",
    "What is BN?\n?",  # nothing after the separator: an empty answer, no card kept
    "What is BN? ? It normalises.",
])
def test_lines_that_are_no_plugin_card(text: str) -> None:
    doc = parse_text(f"# T\n\n{text}\n", "n.md", ParseOptions(question_style="bold"))
    assert [card for card in doc.cards if card.answer] == []


def test_a_capitalised_word_before_a_capitalised_answer_still_parts_a_card() -> None:
    doc = parse_text("# T\n\nWho wrote Hamlet::Shakespeare\n", "n.md",
                     ParseOptions(question_style="bold"))
    assert [(card.question_text, plain_text(card.answer).strip()) for card in doc.cards] \
        == [("Who wrote Hamlet", "Shakespeare")]


def test_a_separator_line_in_a_heading_answer_stays_text() -> None:
    """Among heading questions a '?' paragraph is no question (as a bold line is none)."""
    doc = parse_text("## What is BN?\n\nIt normalises.\n\nWhy?\n?\nScale.\n\n## What is LN?\n\n"
                     "Per token.\n", "h.md")
    assert [card.question_text for card in doc.cards] == ["What is BN?", "What is LN?"]
    assert "Scale." in plain_text(doc.cards[0].answer)


def test_cards_import_into_anki(tmp_path: Path, collection: Collection) -> None:
    source = tmp_path / "notes" / "spaced-repetition-cards.md"
    source.parent.mkdir()
    shutil.copy(FIXTURES / "spaced-repetition-cards.md", source)
    result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", "--no-lock"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "[sr-separator]" in result.output
    (package,) = Path("dist").glob("*.apkg")
    log = import_apkg(collection, package)
    assert len(log.new) == len(CARDS)
    found: dict[str, str] = {}
    decks: set[str] = set()
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        (card,) = note.cards()
        decks.add(collection.decks.name(card.did))
        fields = note["Question"] + note["Answer"]
        assert "SR:" not in fields and "<!--" not in fields  # the plugin's schedule
        found[re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", note["Question"])))] = \
            html.unescape(card.answer())
    assert set(found) == {re.sub(r"\s+", "", q) for q in CARDS}
    for question, snippet in CARDS.items():
        assert snippet in found[re.sub(r"\s+", "", question)], question
    assert decks == {"spaced-repetition-cards::归一化", "spaced-repetition-cards::正则化"}
    gelu = found["WhatisaGELU?"]
    assert 'class="math' in gelu or "\\Phi" in gelu  # the formula after ':::' is drawn


def test_an_item_that_asks_nothing_after_a_closed_list_is_kept() -> None:
    """The plugin's schedule comment ends a list; the next list's first item, no question
    (a '?' on its own question's line, say), went nowhere: no card, no PDF, no word."""
    text = ("## 归一化\n\n- **BN 的作用？** :: 加速收敛。\n<!--SR:!2025-08-22,164,308-->\n\n"
            "- **有哪些显示设备？** ? 视觉、听觉、触觉。\n\n- **LN 的作用？** :: 不依赖 batch。\n")
    doc = parse_text(text, "l.md")
    assert [card.question_text for card in doc.cards] == ["BN 的作用？", "LN 的作用？"]
    kept = plain_text(doc.sections[0].intro) + "".join(
        plain_text(card.answer) for card in doc.cards)
    assert "视觉、听觉、触觉" in kept
    (note,) = [d for d in doc.diagnostics if d.code == "section-intro"]
    assert note.loc.line == 6


def test_explain_structure_names_each_plugin_card_by_its_form(tmp_path: Path) -> None:
    """``check --explain-structure`` says a card is the plugin's, by the form that parts it
    (a ``?`` line or ``::``), and a callout that asks is a callout: none is a bold line."""
    shutil.copy(FIXTURES / "spaced-repetition-cards.md", tmp_path / "sr.md")
    (tmp_path / "c.md").write_text(
        "# C\n\n## A\n\n> [!faq] 什么是自注意力？\n> 加权求和。\n\n**什么是 BN？**\n\n归一化。\n\n"
        "Why norm?\n?\nSpeed.\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["check", "--explain-structure", str(tmp_path / "sr.md"),
                                    str(tmp_path / "c.md")]).output
    labels = re.findall(r"(\w+)\.md:(\d+): question '[^']*' \[([^]]+)\]", out)
    question = "spaced-repetition card, '?' line"
    inline = "spaced-repetition card, '::'"
    assert labels == [("sr", "5", question), ("sr", "10", question), ("sr", "15", question),
                      ("sr", "20", inline), ("sr", "22", inline), ("sr", "27", inline),
                      ("sr", "28", question), ("c", "5", "asking callout"),
                      ("c", "8", "bold line"), ("c", "12", question)], out


def test_a_card_written_without_spaces_round_its_colons(tmp_path: Path,
                                                        collection: Collection) -> None:
    """The plugin's own example is ``the question goes on this side::answer goes here!``:
    colons between two words part a card when the word before them is no code name."""
    source = tmp_path / "notes" / "spaced-repetition-unspaced.md"
    source.parent.mkdir()
    shutil.copy(FIXTURES / "spaced-repetition-unspaced.md", source)
    result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", "--no-lock"],
                                catch_exceptions=False)
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    (package,) = Path("dist").glob("*.apkg")
    import_apkg(collection, package)
    found = {}
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        found[note["Question"]] = html.unescape(re.sub(r"<[^>]+>", "", note["Answer"]))
    assert sorted(found) == ["What is the powerhouse of the cell",
                             "Where does photosynthesis happen"], found
    assert found["What is the powerhouse of the cell"].strip() == "mitochondria"
    assert "std::move" in found["Where does photosynthesis happen"], "the line after a card"

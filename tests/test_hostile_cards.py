"""Print-and-cut cards cost memory in proportion to the questions, however they are grouped.

``cards.typ`` gathered the cards with a fold of ``acc + …`` (a copy of every card so far for
each section), and its page header named the whole deck, which typst hashes again on every
page: 4,000 one-question sections took a minute and over a gigabyte, 6,000 took 1.65 GB.
Memory is measured in a child process (its own peak resident size), not time.
"""

from __future__ import annotations

from pathlib import Path

from .pdfpeak import typeset_peak_mb

pypdf = __import__("pytest").importorskip("pypdf")

SECTIONS = 6000
MEMORY_LIMIT_MB = 1400
"""The child peaked at ~1,120 MB with the linear template, ~1,700 MB with the quadratic one."""



def test_thousands_of_one_question_sections_print_as_cards_in_linear_memory(
        tmp_path: Path) -> None:
    target = tmp_path / "cards.pdf"
    text = "".join(f"## 节{i}\n### 问题{i}？\n\n答案{i}。\n\n" for i in range(SECTIONS))
    peak = typeset_peak_mb(text, target, "cards")
    reader = pypdf.PdfReader(target)
    # A page of fronts and a page of backs for every eight cards, and nothing continued.
    assert len(reader.pages) == 2 * -(-SECTIONS // 8)
    last_back = reader.pages[-1].extract_text()
    assert f"答案{SECTIONS - 1}" in last_back.replace(" ", "")
    assert "问题0" in reader.pages[0].extract_text().replace(" ", "")
    assert peak < MEMORY_LIMIT_MB, f"{SECTIONS} sections took {peak:.0f} MB as cards"



LONG_CARDS, LONG_PARAGRAPHS = 30, 300
LONG_MEMORY_LIMIT_MB = 545
"""On one typst thread (``pdfpeak``): ~499 MB when a card measures only prefixes up to
twice what it shows; ~590 MB when it measured every answer whole (60,000 characters each),
then halves of it."""


def test_long_answers_are_measured_only_as_far_as_a_card_shows(tmp_path: Path) -> None:
    target = tmp_path / "long.pdf"
    para = "这是一个很长的答案段落，用来测试内存。" * 10
    text = "## 节\n" + "".join(
        f"### 问题{i}？\n\n" + "\n\n".join(f"{para}{j}" for j in range(LONG_PARAGRAPHS))
        + "\n\n" for i in range(LONG_CARDS))
    peak = typeset_peak_mb(text, target, "cards")
    reader = pypdf.PdfReader(target)
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    # Nothing lost: every paragraph of the last answer is printed (on its card or continued).
    last = text[text.index(f"问题{LONG_CARDS - 1}？"):]
    assert all(f"内存。{j}" in text for j in (0, LONG_PARAGRAPHS - 1))
    assert f"内存。{LONG_PARAGRAPHS - 1}" in last
    assert peak < LONG_MEMORY_LIMIT_MB, f"{LONG_CARDS} long answers took {peak:.0f} MB as cards"

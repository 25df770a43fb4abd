"""The answer cap's far-over test (``builder.anki.cardhtml.capped_answer``): a block whose
text alone is far over the room left is never rendered, whatever the blocks before it."""

from __future__ import annotations

from builder.anki.cardhtml import capped_answer
from builder.anki.html import HtmlMedia, mathjax
from builder.model import Card, Formula, plain_text
from builder.parse.document import parse_text
from builder.parse.limits import MAX_ANSWER_CHARS


def _card(markdown: str) -> Card:
    (section,) = parse_text(markdown, "n.md").sections
    (card,) = section.cards
    return card


def _rendered(card: Card) -> tuple[str, list[str], list[str]]:
    """The answer's HTML, the TeX of each formula rendered, and the codes reported."""
    drawn: list[str] = []

    def formula(f: Formula) -> str:
        drawn.append(f.tex)
        return mathjax(f)

    html, problems = capped_answer(card, HtmlMedia(formula=formula), plain_text(card.answer))
    return html, drawn, [p.code for p in problems]


def test_a_block_far_over_the_room_left_is_cut_unrendered() -> None:
    # The first block takes 60% of the cap, leaving 40%: the second block's text is 85% of
    # the cap, more than twice what is left, though the whole answer's (145%) is less than
    # twice the cap, or four times what is left.
    first = "前" * int(0.6 * MAX_ANSWER_CHARS)
    second = "$x_far$ " + "后" * int(0.85 * MAX_ANSWER_CHARS)
    html, drawn, codes = _rendered(_card(f"## S\n### 问？\n{first} $x_near$\n\n{second}\n"))
    assert drawn == ["x_near"]  # the far-over block was cut from its text, not rendered
    assert codes == ["answer-too-long"]
    assert html.startswith("<p>前前") and "x_near" in html and "后后" in html
    # Its text is kept as typed (the formula's TeX too), escaped, never as MathJax.
    assert "<p>x_far 后后" in html and r"\(x_far" not in html and "1 more block(s)" in html
    assert len(html) < MAX_ANSWER_CHARS + 200


def test_a_block_that_only_crosses_the_cap_is_rendered_then_cut() -> None:
    # Under twice the room left: rendered (its formula drawn), then cut from its text.
    first = "前" * int(0.6 * MAX_ANSWER_CHARS)
    second = "$x_over$ " + "后" * int(0.5 * MAX_ANSWER_CHARS)
    html, drawn, codes = _rendered(_card(f"## S\n### 问？\n{first}\n\n{second}\n"))
    assert drawn == ["x_over"]
    assert codes == ["answer-too-long"]
    assert "后后" in html and len(html) < MAX_ANSWER_CHARS + 200


def test_an_answer_under_the_cap_is_rendered_whole() -> None:
    card = _card("## S\n### 问？\n一段 $a$。\n\n- 项 $b$\n\n二段。\n")
    html, drawn, codes = _rendered(card)
    assert drawn == ["a", "b"] and codes == []
    assert html == r"<p>一段 \(a\)。</p><ul><li>项 \(b\)</li></ul><p>二段。</p>"

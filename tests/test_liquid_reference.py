"""A link reference definition whose address is a Liquid expression (Jekyll's
``[AI]:{{"/AIdevelop.png" | prepend: site.imgrepo }}``) is a definition: the definitions
after it are definitions too (not paragraph text), so the links citing them are links; the
picture citing it is reported where it is used."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import plain_text, walk_all
from builder.parse.document import parse_file

from .conftest import FIXTURES, build_fixture_deck, imported_answer

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "liquid-reference.md"


def test_definitions_after_a_liquid_one_define_their_links() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    (card,) = doc.cards
    links = [n.attr("href") for n in walk_all(card.answer) if n.kind == "link"]
    assert links == ["https://blog.csdn.net/u011974639/article/details/76737547",
                     "https://www.zhihu.com/question/38102762"]
    assert "][" not in plain_text(card.answer) and "prepend" not in plain_text(card.answer)
    (image,) = [n for n in walk_all(card.answer) if n.kind == "image"]
    assert image.attr("src") == '{{"/AIdevelop.png" | prepend: site.imgrepo }}'


def test_cli_reports_the_picture_and_anki_gets_the_links(tmp_path: Path,
                                                         collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert ('liquid-reference.md:10:1: warning: image not found: {{"/AIdevelop.png" | '
            "prepend: site.imgrepo }} [image-missing]") in result.output
    answer = imported_answer(collection, package)
    assert '<a href="https://www.zhihu.com/question/38102762">论文</a>' in answer
    assert "[bottleneck1]" not in answer

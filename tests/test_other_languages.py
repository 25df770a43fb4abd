"""Questions asked in the other languages notes are written in (builder.parse.otherlanguages):
a Korean ``<details>`` summary that bids (``…을 설명해주세요.``, ``…의 차이점``) asks as a
Chinese 简述/区别 does, and a Russian, Spanish, German or French heading opening with its
question word asks as "What …" does; text that only looks alike does not."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from anki.collection import Collection

from builder.parse import phrases

from .conftest import answers_by_question, build_fixture, imported_notes

FIXTURE = Path(__file__).parent / "fixtures" / "details-korean-prompts.md"


def test_korean_summaries_that_bid_are_cards(tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURE)
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    (package,) = (tmp_path / "dist").glob("*.apkg")
    answers = answers_by_question(imported_notes(collection, package))
    assert sorted(answers) == ["HashMap과 Hashtable의 차이점", "Java에서 다형성을 설명해주세요.",
                               "간단한 자기소개를 해 주세요."], answers
    first = html.unescape(re.sub(r"<[^>]+>", "", answers["Java에서 다형성을 설명해주세요."]))
    assert "여러 가지 형태" in first
    # The box that only shows code ("view code") asks nothing: it stays in the answer.
    assert "코드 보기" in first and "new Magician()" in first, first


@pytest.mark.parametrize("text", [
    "Java에서 다형성을 설명해주세요.", "자기소개를 해 주세요.", "Hashtable의 차이점",
    "왜 HashMap을 쓰나요", "REST API とは", "TCPとUDPの違い", "Что такое замыкание",
    "Объясните event loop", "Cómo funciona el DNS", "Warum ist Go schnell", "Por qué usar Git",
    "Qu'est-ce qu'une closure", "O que é um índice", "Для чего нужен индекс",
    "Как работает DNS", "Wie funktioniert TCP", "Comment fonctionne DNS", "Como funciona o Git",
    "Когда использовать индекс", "Можно ли так", "Wie oben?", "Que es un índice",
    "Qui est responsable", "Quando usar Git", "Onde fica o cache", "Quelle est la différence",
    "Wo liegt der Unterschied", "Нужно ли закрывать файл",
])
def test_other_languages_ask(text: str) -> None:
    assert phrases.asks_outright(text), text
    assert phrases.question_reason(text) is not None, text


@pytest.mark.parametrize("text", [
    "코드 보기", "이미지 왜곡 보정", "참고 자료", "几何变换", "Для примера", "Por ejemplo",
    "Ejemplo de uso", "Zusammenfassung", "Exemple de code", "Типы данных",
    # Everyday words that are also question words: only a '?' or a second word asks.
    "Comment syntax", "Quelle", "Wie oben", "Wo", "Wie im Kapitel 2", "Como referencia",
    "Que sera sera", "Qui pro quo", "Quando possível", "Onde de choc", "Нужно знать",
    "Можно пропустить", "Когда сеть занята, пакеты теряются", "Как правило",
    # A Japanese とは inside ことは ("the thing is"), a Korean 차이 inside 차이나 (China).
    "同じことは言える", "차이나타운 맛집",
])
def test_look_alikes_do_not_ask(text: str) -> None:
    assert not phrases.asks_outright(text), text
    assert not phrases.asks(text), text
    assert phrases.question_reason(text) is None, text


def test_korean_asks_plainly_but_a_european_opener_titles_a_topic_as_english_does() -> None:
    assert phrases.asks_plainly("HashMap과 Hashtable의 차이점")
    assert not phrases.asks_plainly("Как работает DNS")
    assert not phrases.asks_plainly("How DNS works")

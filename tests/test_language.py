"""A deck's language (front matter ``lang``, else guessed) picks diagram labels and PDF words."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.model import Document
from builder.parse.document import parse_file, parse_text
from builder.parse.language import FALLBACK, guess
from builder.pdf.words import WORDS
from builder.render.assets import _diagram_stem, _draw_diagram, diagram_key
from builder.render.diagrams import validate

from .conftest import FIXTURES, SEED, import_apkg, write

if TYPE_CHECKING:
    from anki.collection import Collection

LANG = FIXTURES / "lang"
SHIPPED = Path(__file__).parent.parent / "source_md" / "deep-learning-interview.md"
HAN = re.compile(r"[\u4e00-\u9fff]")


def parsed(text: str, name: str = "n.md") -> Document:
    return parse_text(text, name, validate_diagram=validate)


@pytest.mark.parametrize(("fixture", "expected"), [
    (LANG / "english-notes.md", "en"),
    (LANG / "chinese-with-english-terms.md", "zh"),
    (LANG / "english-with-a-chinese-term.md", "en"),
    (SEED, "zh"),
])
def test_language_is_guessed_from_the_prose(fixture: Path, expected: str) -> None:
    assert parse_file(fixture).settings.lang == expected


def test_code_and_formulas_do_not_count() -> None:
    code = "\n".join(["```python", *["def loss(weights, inputs): return weights"] * 200, "```"])
    formula = "$$" + r"\text{the loss of the whole training set}" * 20 + "$$"
    doc = parsed(f"## 节\n### 什么是过拟合？\n模型在训练集上好，在测试集上差。\n\n{code}\n\n"
                 f"{formula}\n`inline code with many English words in it`\n")
    assert doc.settings.lang == "zh"


def test_nothing_to_judge_by_falls_back() -> None:
    assert guess([]) == guess(["123 + 456 = 579"]) == FALLBACK
    assert parsed("## 1\n### 2?\n3\n").settings.lang == FALLBACK


@pytest.mark.parametrize(("value", "expected"), [
    ("en", "en"), ("EN-us", "en"), ("zh-CN", "zh"), ("zh_Hans", "zh"), ("auto", "zh")])
def test_front_matter_says_the_language(value: str, expected: str) -> None:
    doc = parsed(f"---\nlang: {value}\n---\n## 节\n### 问题？\n中文的答案。\n")
    assert doc.settings.lang == expected
    assert [d for d in doc.diagnostics if d.code == "front-matter"] == []


@pytest.mark.parametrize("value", ["fr", "[en]", "42", "chinese"])
def test_a_bad_lang_is_reported_and_the_guess_used(value: str) -> None:
    doc = parsed(f"---\nlang: {value}\n---\n## Notes\n### What is it?\nAn English answer.\n")
    problems = [str(d) for d in doc.diagnostics if d.code == "front-matter"]
    assert problems == ["n.md:2:7: warning: front matter 'lang' must be zh, en or auto "
                        "(the default: guessed from the text) [front-matter]"]
    assert doc.settings.lang == "en"


DIAGRAM = "```diagram\ntype: pooling\n```\n"


def test_diagrams_take_the_documents_language_and_name_their_image_by_it() -> None:
    zh = parsed(f"---\nlang: zh\n---\n## S\n### Q?\nA.\n{DIAGRAM}").cards[0].diagrams[0]
    en = parsed(f"---\nlang: en\n---\n## S\n### Q?\nA.\n{DIAGRAM}").cards[0].diagrams[0]
    assert (zh.param_dict()["lang"], en.param_dict()["lang"]) == ("zh", "en")
    assert zh != en and diagram_key(zh) != diagram_key(en)


def test_a_diagram_may_name_its_own_language() -> None:
    doc = parsed("## 节\n### 问题？\n中文的答案。\n```diagram\ntype: pooling\nlang: en\n```\n")
    assert doc.settings.lang == "zh"
    assert doc.cards[0].diagrams[0].param_dict()["lang"] == "en"
    bad = parsed("## 节\n### 问题？\n答案。\n```diagram\ntype: pooling\nlang: de\n```\n")
    assert [d.code for d in bad.diagnostics] == ["diagram-param"]
    assert "'lang' must be one of zh, en" in bad.diagnostics[0].message


def test_both_languages_have_every_word() -> None:
    from builder.render.diagrams import (
    activation,
    dilated_conv,
    gradient_descent,
    loss_curves,
    pooling,
    receptive_field,
)

    for module in (activation, dilated_conv, gradient_descent, loss_curves, pooling,
                   receptive_field):
        assert set(module.TEXT) == {"zh", "en"}, module.__name__
        assert module.TEXT["zh"].keys() == module.TEXT["en"].keys(), module.__name__
    assert set(WORDS) == {"zh", "en"} and WORDS["zh"].keys() == WORDS["en"].keys()
    for key, word in WORDS["en"].items():
        assert not HAN.search(str(word)), key
        assert HAN.search(str(WORDS["zh"][key])) or key == "count", key


# -- end to end ----------------------------------------------------------------------------

def build(source: Path, out: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(out), "--no-lock",
                                       "-j", "1"])
    assert result.exit_code == 0, result.output


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_an_english_deck_gets_english_pdf_words_and_diagrams(
        tmp_path: Path, collection: Collection) -> None:
    source = tmp_path / "notes" / "english-notes.md"
    source.parent.mkdir()
    shutil.copy(LANG / "english-notes.md", source)
    build(source, tmp_path / "dist")
    [pdf] = (tmp_path / "dist").glob("*.pdf")
    text = pdf_text(pdf)
    squashed = re.sub(r"\s+", "", text)
    assert "·4questions" in squashed and "Contents" in text
    assert HAN.findall(text) == []  # no 目录, 题 or 续: the notes themselves have no Chinese

    [package] = (tmp_path / "dist").glob("*.apkg")
    import_apkg(collection, package)
    media = Path(collection.media.dir())
    diagrams = [d for card in parse_file(source, validate_diagram=validate).cards
                for d in card.diagrams]
    assert len(diagrams) == 4 and {d.param_dict()["lang"] for d in diagrams} == {"en"}
    for diagram in diagrams:
        # The deck carries the English drawing, named by the English parameters.
        packed = (media / f"{_diagram_stem(diagram)}.png").read_bytes()
        drawn = _draw_diagram(diagram.kind, diagram.param_dict(), vector=False)
        assert not isinstance(drawn, str) and packed == drawn[0]


def test_a_chinese_and_an_english_deck_share_a_cache_without_collisions(tmp_path: Path) -> None:
    body = "## S\n### Which pooling?\nMax.\n" + DIAGRAM
    english = write(tmp_path / "en" / "n.md", f"---\nlang: en\n---\n{body}")
    chinese = write(tmp_path / "zh" / "n.md", f"---\nlang: zh\n---\n{body}")
    cache = tmp_path / "cache"
    for source in (english, chinese):
        result = CliRunner().invoke(main, ["build", str(source), "-o", str(source.parent / "out"),
                                           "--no-lock", "--format", "apkg", "--cache-dir",
                                           str(cache), "-j", "1"])
        assert result.exit_code == 0, result.output
    drawn = sorted(path.name for path in cache.rglob("diagram-pooling-*.png"))
    assert len(drawn) == 2


def test_the_seed_deck_stays_chinese(tmp_path: Path) -> None:
    doc = parse_file(SHIPPED, validate_diagram=validate)
    assert doc.settings.lang == "zh"
    assert {d.param_dict()["lang"] for card in doc.cards for d in card.diagrams} == {"zh"}


def test_diagram_command_draws_either_language(tmp_path: Path) -> None:
    for lang in ("zh", "en"):
        result = CliRunner().invoke(main, ["diagram", "activation", f"lang={lang}", "-o",
                                           str(tmp_path / f"{lang}.png")])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "zh.png").read_bytes() != (tmp_path / "en.png").read_bytes()


def test_a_huge_file_is_judged_by_a_sample() -> None:
    from builder.parse import language

    english = ["An English sentence about gradients. "] * 20_000  # 740,000 characters
    assert guess([*english, "中文" * 400_000]) == "en"
    assert language.counts(english)[1] <= language.SAMPLE


_ENGLISH = "An English sentence about gradients. " * 5_300  # 196,100 characters


@pytest.mark.parametrize("text", [
    SEED.read_text(encoding="utf-8"), (LANG / "english-with-a-chinese-term.md").read_text(),
    f"## 节\n### 问？\n{_ENGLISH}\n\n{'中文' * 150_000}\n",  # the sample ends mid-piece
    f"## 节\n### 问？\n{'中文' * 150_000}{_ENGLISH}\n",  # one piece longer than the sample
    "## 1\n### 2?\n`code`\n",
])
def test_a_parse_guesses_the_language_as_guess_does_from_its_prose(text: str) -> None:
    """The parse counts each piece of prose once (kept for a later splice) and guesses
    from those counts: the same language as ``guess`` reading the prose itself."""
    from builder.parse.language import prose
    from builder.parse.markdown import tokenize

    assert parsed(text).settings.lang == guess(prose(tokenize(text)))


@pytest.mark.parametrize(("lang", "mark"), [("zh", "（续）"), ("en", " (cont.)")])
def test_a_section_cut_between_pdf_parts_is_marked_in_the_decks_language(
        lang: str, mark: str) -> None:
    from builder.pdf.parts import headings, split

    cards = [{"n": n, "q": [{"kind": "text", "text": f"Q{n}"}], "a": []} for n in range(1, 7)]
    payload: dict[str, object] = {"count": 6, "lang": lang, "words": WORDS[lang],
                                  "sections": [{"title": "S", "cards": cards}]}
    parts = split(payload, size=4)
    assert parts is not None
    titles = [section["title"] for part in parts
              for section in part["sections"]]  # type: ignore[attr-defined]
    assert titles == ["S", f"S{mark}"]
    assert [h["continued"] for h in headings(parts[1]) if h["level"] == 1] == [True]

"""A remote picture is not fetched, and the card showed its alt in brackets: notes copied
from the web carry alts nobody wrote (Zhihu's ``img``, Yuque's ``image.png``, CSDN's
``在这里插入图片描述``), so cards said ``[img]`` and the address was gone.  Now a generic alt
gives way to the picture's file name and site (the site alone for a stored name), and the
card links the picture's http(s) address; the PDF prints the same words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
import pytest
from click.testing import CliRunner

from builder.checks.htmlpolicy import meaningful_alt, picture_label
from builder.cli import main

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "remote-picture-labels.md"


@pytest.mark.parametrize(("alt", "meaningful"), [
    ("img", False), ("Image.PNG", False), ("image-20210921182812155", False),
    ("Pasted image 20230725215940", False), ("在这里插入图片描述", False), ("", False),
    ("ROC 曲线", True), ("Transformer architecture", True), ("image of a cat", True)])
def test_generic_alts_are_told_from_written_ones(alt: str, meaningful: bool) -> None:
    assert meaningful_alt(alt) is meaningful


WIKIMEDIA = ("https://upload.wikimedia.org/wikipedia/commons/thumb/9/9f/Bias_and_variance_"
             "contributing_to_total_error.svg/330px-Bias_and_variance_contributing_to_total_"
             "error.svg.png")
GITHUB = ("https://user-images.githubusercontent.com/1234567/118059082-39d1a500-b3c2-11eb-"
          "80f8-75f2bf677451.png")


@pytest.mark.parametrize(("src", "shown"), [
    (WIKIMEDIA, "330px-Bias_and_variance_contributing_to_total_error.svg.png"
                " · upload.wikimedia.org"),
    ("https://upload.wikimedia.org/t/a/Gradient_descent.svg/350px-Gradient_descent.svg.png",
     "350px-Gradient_descent.svg.png · upload.wikimedia.org"),
    ("https://medium.com/max/understanding-the-bias-variance-tradeoff-165e6942b229.png",
     "understanding-the-bias-variance-tradeoff-165e6942b229.png · medium.com"),
    (GITHUB, "user-images.githubusercontent.com"),
    ("https://example.com/aZ3kQ9xL2mN7pR4tV8wY1bC5dF6gH0jKlMnOpQrS.png", "example.com"),
    ("https://example.com/abcdefghijklmnopqrstuvwxyzab-cdefghijklmnopqrstuvwxyz.png",
     "example.com"),  # letters, but no word is that long
    ("https://example.com/img_ab_aZ3kQ9xL2mN7pR4tV8wY1bC5dF6gH0jKlMn.png",
     "example.com"),  # two words, the rest a key
    ("https://example.com/v2-3f2a8c9e1b2d4f6a7c8e9f0a1b2c3d4e_720w.jpg", "example.com"),
])
def test_a_descriptive_name_is_shown_a_stored_one_is_not(src: str, shown: str) -> None:
    """A long file name made of words (Wikimedia's thumbnails, a post's slug) names the
    picture; a long key without words (a UUID, base64, a hash) gives the site alone."""
    assert picture_label(src, "") == shown


def test_a_local_or_refused_picture_keeps_what_was_written() -> None:
    assert picture_label("figs/gone.png", "img") == "img"
    assert picture_label("figs/gone.png", "") == "figs/gone.png"
    assert picture_label("javascript:alert(1)", "") == "javascript:alert(1)"


def test_cards_name_and_link_remote_pictures(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert result.output.count("[remote-image]") == 7, result.output
    answers = answers_by_question(imported_notes(collection, package))
    link = re.compile(r'<a href="([^"]+)">\[([^\]]*)\]</a>')
    expected = {
        "知乎图片的 alt 是 img？": ("https://picx.zhimg.com/v2-3f2a8c9e1b2d4f6a7c8e9f0a1b2c3d4e"
                                "_720w.jpg", "picx.zhimg.com"),
        "语雀图片的 alt 是文件名？": ("https://cdn.nlark.com/yuque/0/2021/png/2513/"
                                 "1612345678901-abcd.png", "cdn.nlark.com"),
        "没有 alt 的图片？": ("https://s2.example.com/2019/10/18/roc-curve.png",
                         "roc-curve.png · s2.example.com"),
        "作者写了 alt 的图片？": ("https://example.com/roc.png", "ROC 曲线示意"),
        "维基百科的缩略图？": (WIKIMEDIA, "330px-Bias_and_variance_contributing_to_total_"
                                     "error.svg.png · upload.wikimedia.org"),
        "GitHub 存下的图片？": (GITHUB, "user-images.githubusercontent.com"),
    }
    for question, shown in expected.items():
        assert link.findall(answers[question]) == [shown], answers[question]
    # Inside a link the picture's words are the link's text: links do not nest.
    assert answers["链接里的图片？"] == (
        '<p><a href="https://example.org/ci">[badge.svg · img.example.org]</a></p>')


def test_the_pdf_prints_the_same_words() -> None:
    build_fixture_deck(FIXTURE.stem)  # the notes folder, and the deck
    result = CliRunner().invoke(main, ["build", "notes", "--format", "pdf", "--no-lock"])
    assert result.exit_code == 0, result.output
    (sheet,) = Path("dist").glob("*.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(sheet).pages)
    squeezed = "".join(text.split())
    for words in ("[picx.zhimg.com]", "[cdn.nlark.com]", "[roc-curve.png·s2.example.com]",
                  "[ROC曲线示意]"):
        assert words in squeezed, text
    assert "[img]" not in squeezed and "[image.png]" not in squeezed

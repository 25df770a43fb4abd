"""PDF output: text, order, fonts, outline, cards layout, failures and reproducibility."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from builder.model import Document
from builder.parse.document import parse_file, parse_text
from builder.pdf import typeset as pdf
from builder.pdf.compile import TypstJob
from builder.pdf.typeset import PdfError, write_pdf
from builder.render.assets import Assets, render_assets
from builder.render.diagrams import validate
from builder.render.formulacache import RenderedFormula

from .conftest import SEED, write

pypdf = pytest.importorskip("pypdf")

DATE = "2024-05-01"


def assets_for(docs: Sequence[Document], cache: Path) -> Assets:
    cards = [card for doc in docs for card in doc.cards]
    return render_assets([f for c in cards for f in c.formulas],
                         [d for c in cards for d in c.diagrams], cache)


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, Assets]:
    doc = parse_file(SEED, "tests/fixtures/deep-learning-interview.md")
    return doc, assets_for([doc], tmp_path_factory.mktemp("cache"))


def build(target: Path, docs: Sequence[Document], assets: Assets, **options: Any) -> Path:
    write_pdf(target, "DL", "深度学习面试", docs, assets, date=DATE, **options)
    return target


def squash(text: str) -> str:
    """Drop whitespace: justified CJK lines come out of extraction with spaces inside."""
    return re.sub(r"\s+", "", text)


def all_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def outline_titles(outline: list[Any], depth: int = 0) -> list[tuple[int, str]]:
    titles: list[tuple[int, str]] = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item, depth + 1)
        else:
            titles.append((depth, str(item.title)))
    return titles


# -- the cheat sheet -----------------------------------------------------------------------

def test_seed_sheet_has_every_question_in_order(seed: tuple[Document, Assets],
                                                tmp_path: Path) -> None:
    doc, assets = seed
    target = build(tmp_path / "deck.pdf", [doc], assets)
    reader = pypdf.PdfReader(target)
    assert 1 <= len(reader.pages) <= 6
    text = squash(all_text(target))
    position = -1
    for card in doc.cards:
        if card.is_empty:
            assert squash(card.question_text) not in text
            continue
        found = text.find(squash(card.question_text), position + 1)
        assert found > position, card.question_text
        position = found
    answers = ["批梯度下降是每次使用所有数据用于更新梯度",
               "感受野指的是当前层每一个特征对应输入图的区域大小",
               "卷积层：提取特征"]
    found_at = [text.find(squash(a)) for a in answers]
    assert all(i >= 0 for i in found_at) and found_at == sorted(found_at)
    assert "深度学习面试" in text and DATE in text


def test_fonts_are_embedded_with_cjk(seed: tuple[Document, Assets], tmp_path: Path) -> None:
    doc, assets = seed
    reader = pypdf.PdfReader(build(tmp_path / "deck.pdf", [doc], assets))
    names: list[str] = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
                else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
            names.append(str(font["/BaseFont"]))
    assert any("NotoSansCJK" in name for name in names)
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in names), names  # subsets


def test_outline_has_sections_and_questions(seed: tuple[Document, Assets],
                                            tmp_path: Path) -> None:
    doc, assets = seed
    reader = pypdf.PdfReader(build(tmp_path / "deck.pdf", [doc], assets))
    expected: list[tuple[int, str]] = []
    for section in doc.sections:
        expected.append((0, " › ".join(section.path)))
        expected += [(1, c.question_text) for c in section.cards if not c.is_empty]
    got = [(depth, squash(title)) for depth, title in outline_titles(reader.outline)]
    assert got == [(depth, squash(title)) for depth, title in expected]


def test_keep_empty_cards_when_asked(seed: tuple[Document, Assets], tmp_path: Path) -> None:
    doc, assets = seed
    target = build(tmp_path / "deck.pdf", [doc], assets, skip_empty=False)
    assert "写一下卷积的实现" in squash(all_text(target))


def test_two_writes_are_identical(seed: tuple[Document, Assets], tmp_path: Path) -> None:
    doc, assets = seed
    for style in ("sheet", "cards"):
        first = build(tmp_path / f"a-{style}.pdf", [doc], assets, style=style).read_bytes()
        second = build(tmp_path / f"b-{style}.pdf", [doc], assets, style=style).read_bytes()
        assert first == second


def test_letter_paper_and_columns(seed: tuple[Document, Assets], tmp_path: Path) -> None:
    doc, assets = seed
    for columns in (1, 3):
        reader = pypdf.PdfReader(build(tmp_path / f"{columns}.pdf", [doc], assets,
                                       paper="letter", columns=columns))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    with pytest.raises(PdfError, match="columns"):
        build(tmp_path / "bad.pdf", [doc], assets, columns=4)


RICH = r"""## 公式
### 交叉熵怎么写？
交叉熵 $L = -\sum_i y_i \log \hat{y}_i$，坏的 $\frac{a$ 结束，mathtext 画的 $\mathring{x}$。

$$
\frac{\partial L}{\partial z} = \hat{y} - y
$$
### 特殊字符会被当成标记吗？
#set text(red) 和 `#panic("x")` 还有 $ 与 @ref <label> *星* _下划线_ \\ 都照原样。

| 方法 | 速度 |
|:--|--:|
| **SGD** | 快 |

1. 一
2. 二
   - 嵌套 ~~删除~~ [链接](https://example.com)

> 引用

```python
def f(x):
    return x  # 注释
```
"""


def test_rich_answers_render_and_bad_formula_shows_tex(tmp_path: Path) -> None:
    doc = parse_text(RICH, "rich.md")
    assets = assets_for([doc], tmp_path / "cache")
    broken = next(f for f in doc.cards[0].formulas if f.tex == r"\frac{a")
    assert broken in assets.formula_failures
    text = all_text(build(tmp_path / "rich.pdf", [doc], assets))
    assert r"$\frac{a$" in text
    flat = squash(text)
    for literal in ("#settext(red)", '#panic("x")', "$与@ref", "SGD", "returnx#注释"):
        assert literal in flat, literal
    fonts = {str(f.get_object()["/BaseFont"]) for page in pypdf.PdfReader(tmp_path / "rich.pdf")
             .pages for f in page["/Resources"]["/Font"].values()}
    assert any("Mono" in name for name in fonts), fonts  # the TeX and code are monospace


def test_diagram_and_local_image_are_drawn(tmp_path: Path) -> None:
    _tiny_png(tmp_path / "notes" / "img" / "dot.png")
    source = write(tmp_path / "notes" / "a.md", "## 图\n### 感受野？\n看图：\n\n"
                   "```diagram\ntype: receptive-field\ninput_size: 5\nlayers: 2\n```\n\n"
                   "![点](img/dot.png)\n")
    doc = parse_file(source, str(source), None, validate)
    assert not [d for d in doc.diagnostics if d.severity == "error"]
    assets = assets_for([doc], tmp_path / "cache")
    assert assets.diagrams
    reader = pypdf.PdfReader(build(tmp_path / "d.pdf", [doc], assets,
                                   roots={str(source): tmp_path / "notes"}))
    xobjects = reader.pages[0]["/Resources"].get("/XObject", {})
    assert len(xobjects) >= 2  # the SVG diagram and the PNG


def _tiny_png(path: Path) -> Path:
    import zlib

    path.parent.mkdir(parents=True, exist_ok=True)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", bytes.fromhex("0000000800000008080200"
                                                                         "0000"))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


# -- print-and-cut cards -------------------------------------------------------------------

def card_numbers(page: Any) -> dict[int, tuple[float, float]]:
    """Map each card number printed on a page ("#7") to its (x, y) position."""
    found: dict[int, tuple[float, float]] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        match = re.match(r"#(\d+)", text.strip())
        if match:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.setdefault(int(match.group(1)), (x, y))

    page.extract_text(visitor_text=visit)
    return found


def test_cards_backs_mirror_fronts_row_by_row(seed: tuple[Document, Assets],
                                              tmp_path: Path) -> None:
    doc, assets = seed
    target = build(tmp_path / "cards.pdf", [doc], assets, style="cards")
    reader = pypdf.PdfReader(target)
    cards = [c for c in doc.cards if not c.is_empty]
    sheets = -(-len(cards) // 8)
    assert len(reader.pages) >= 2 * sheets
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    for sheet in range(sheets):
        front = card_numbers(reader.pages[2 * sheet])
        back = card_numbers(reader.pages[2 * sheet + 1])
        assert set(front) == set(back) == set(range(8 * sheet + 1,
                                                     min(len(cards), 8 * sheet + 8) + 1))
        for number, (x, y) in front.items():
            bx, by = back[number]
            assert (x < width / 2) != (bx < width / 2), number  # column mirrored
            assert int(y // (height / 4.2)) in {int(by // (height / 4.2)),
                                                int(by // (height / 4.2)) - 1}, number
        assert squash(cards[8 * sheet].question_text) in squash(
            reader.pages[2 * sheet].extract_text())


CONTINUED_WORDS = {
    "zh": (r"续见第 ?(\d+) ?页", "续自第2页"),
    "en": (r"continued on page (\d+)", "continuedfrompage2"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cards_long_answer_continues_not_cut(tmp_path: Path, lang: str) -> None:
    line = "很长的要点，写得足够长以便占满一整行文字内容。"
    long_answer = "\n".join(f"- 第{i}条{line}" for i in range(60))
    doc = parse_text(f"---\nlang: {lang}\n---\n## 长\n### 很长的答案？\n{long_answer}\n"
                     "- 最后一条在这里\n### 短的？\n短答案。\n", "long.md")
    target = build(tmp_path / "long.pdf", [doc], Assets(), style="cards")
    reader = pypdf.PdfReader(target)
    back_text = reader.pages[1].extract_text()
    back = squash(back_text)
    on_page, from_page = CONTINUED_WORDS[lang]
    match = re.search(on_page, back_text)
    assert match, back_text
    continuation = int(match.group(1))
    assert continuation == 3 == len(reader.pages)
    rest = squash(reader.pages[continuation - 1].extract_text())
    assert "最后一条在这里" in rest and from_page in rest
    assert "最后一条在这里" not in back
    # Only the deck's language: no half-Chinese, half-English phrases.
    other = CONTINUED_WORDS["en" if lang == "zh" else "zh"]
    assert not re.search(other[0], back_text) and other[1] not in rest
    header = {"zh": ("正面·问题", "背面·答案", "续页"), "en": ("Questions", "Answers",
                                                          "Continuedanswers")}[lang]
    pages = [squash(page.extract_text()) for page in reader.pages]
    assert [word in page for word, page in zip(header, pages, strict=True)] == [True] * 3


# -- failures ------------------------------------------------------------------------------

def test_typst_failure_names_the_card_and_leaves_nothing(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    doc = parse_text("## 节\n### 好的？\n好。\n### 坏的？\n公式 $x^2$ 在这里\n### 也好？\n好。\n",
                     "bad.md")
    formula = doc.cards[1].formulas[0]
    png = _tiny_png(tmp_path / "x.png")
    from builder.render.media import MediaFile

    # Checked typst source that no longer compiles stands for any typst failure.
    assets = Assets(formulas={formula: RenderedFormula(MediaFile("x.png", png), 1, 1, 0,
                                                       "typst", "frac(a")})
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    target = tmp_path / "out" / "deck.pdf"
    target.parent.mkdir()
    with pytest.raises(PdfError) as caught:
        build(target, [doc], assets)
    message = str(caught.value)
    assert message.startswith("bad.md:4: ") and "\n" not in message
    assert not target.exists()
    assert list(target.parent.iterdir()) == []
    assert list(scratch.iterdir()) == []


def test_template_failure_blames_no_card(seed: tuple[Document, Assets], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    doc, assets = seed
    original = TypstJob.compile

    def broken(self: Any, payload: dict[str, Any]) -> bytes:
        return original(self, {**payload, "paper": "no-such-paper"})

    monkeypatch.setattr(TypstJob, "compile", broken)
    with pytest.raises(PdfError, match=r"^cannot typeset the PDF: "):
        build(tmp_path / "deck.pdf", [doc], assets)
    assert not (tmp_path / "deck.pdf").exists()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdftoppm_renders_first_page(seed: tuple[Document, Assets], tmp_path: Path) -> None:
    doc, assets = seed
    target = build(tmp_path / "deck.pdf", [doc], assets)
    result = subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(target),
                             str(tmp_path / "page")], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert (tmp_path / "page-1.png").stat().st_size > 1000


def test_soft_breaks_add_no_space_inside_chinese() -> None:
    from builder.parse.document import ParseOptions
    from builder.pdf.pdfdata import MediaStage, inlines_json
    from builder.render.images import ImageResolver

    doc = parse_text("## 节\n### 问？\n中文\n继续 and\nEnglish\n", "soft.md",
                     ParseOptions(breaks=False))
    paragraph = doc.cards[0].answer[0]
    items = inlines_json(paragraph.children, MediaStage(Assets(), ImageResolver({})))
    assert "".join(str(i.get("text", "")) for i in items) == "中文继续 and English"


def test_bold_uses_its_own_font_instance(seed: tuple[Document, Assets], tmp_path: Path) -> None:
    doc, assets = seed
    reader = pypdf.PdfReader(build(tmp_path / "deck.pdf", [doc], assets))
    cjk = {str(f.get_object()["/BaseFont"]) for page in reader.pages
           for f in page["/Resources"]["/Font"].values()
           if "NotoSansCJK" in str(f.get_object()["/BaseFont"])}
    # Headings are bold: a real bold face is a second subset, not a stroked regular.
    assert len(cjk) >= 2
    content = reader.pages[0].get_contents().get_data()
    assert b" Tr" not in content or b"2 Tr" not in content


def _background(monkeypatch: pytest.MonkeyPatch) -> Any:
    from builder.pdf import jobs as pdfjobs

    monkeypatch.setattr(pdfjobs, "BACKGROUND_MIN_QUESTIONS", 1)
    return pdfjobs.PdfJobs(2)


def _result_bytes(jobs: Any, plan: pdf.PdfPlan) -> bytes:
    with jobs.result(plan) as typeset:
        return typeset if isinstance(typeset, bytes) else typeset.read_bytes()


def test_background_typesetting_gives_the_same_pdf(seed: tuple[Document, Assets],
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    doc, assets = seed
    plan = pdf.plan_pdf(tmp_path / "deck.pdf", "DL", "深度学习面试", [doc], assets, date=DATE)
    assert plan is not None
    with _background(monkeypatch) as jobs:
        jobs.start([plan])
        assert jobs.running == 1
        assert _result_bytes(jobs, plan) == pdf.typeset(plan)
    assert not plan.target.exists()  # typesetting writes nothing; commit does


def test_background_failure_names_the_card(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    doc = parse_text("## 节\n### 好的？\n好。\n### 坏的？\n公式 $x^2$ 在这里\n", "bad.md")
    from builder.render.media import MediaFile

    png = _tiny_png(tmp_path / "x.png")
    assets = Assets(formulas={doc.cards[1].formulas[0]: RenderedFormula(
        MediaFile("x.png", png), 1, 1, 0, "typst", "frac(a")})
    plan = pdf.plan_pdf(tmp_path / "deck.pdf", "D", "T", [doc], assets, date=DATE)
    assert plan is not None
    with _background(monkeypatch) as jobs:
        jobs.start([plan])
        assert jobs.running == 1
        with pytest.raises(PdfError, match=r"^bad\.md:4: cannot typeset this question"):
            _result_bytes(jobs, plan)


def test_large_deck_pdf_is_the_same_with_one_or_two_jobs(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from click.testing import CliRunner

    from builder.cli import main
    from builder.pdf import jobs as pdfjobs

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    count = pdfjobs.BACKGROUND_MIN_QUESTIONS + 10
    write(tmp_path / "notes" / "big.md", "## 节\n" + "".join(
        f"### 问题 {i}？\n答案 **{i}**：第 {i} 条。\n" for i in range(count)))
    started: list[int] = []
    real_start = pdfjobs.PdfJobs.start

    def spy(self: Any, plans: list[Any]) -> None:
        real_start(self, plans)
        started.append(self.running)

    monkeypatch.setattr(pdfjobs.PdfJobs, "start", spy)
    pdfs = []
    for jobs in ("1", "2"):
        out = f"dist{jobs}"
        result = CliRunner().invoke(main, ["notes", "--format", "pdf", "-j", jobs, "-o", out,
                                           "--no-lock"])
        assert result.exit_code == 0, result.output
        assert f"wrote {out}/big.pdf" in result.output
        pdfs.append((tmp_path / out / "big.pdf").read_bytes())
    assert started == [0, 1]  # -j 1 typesets in place; -j 2 in the background
    assert pdfs[0] == pdfs[1]
    assert f"问题{count - 1}？" in squash(all_text(tmp_path / "dist2" / "big.pdf"))


# -- large sheets, typeset in parts ----------------------------------------------------------

def _payload(sizes: list[int]) -> dict[str, Any]:
    sections = [{"title": f"S{i}", "cards": [{"n": f"{i}.{j}", "q": []} for j in range(size)]}
                for i, size in enumerate(sizes)]
    return {"count": sum(sizes), "sections": sections}


def sections_of(part: dict[str, object]) -> list[dict[str, Any]]:
    """A part's sections, checked to be the list of objects the template reads."""
    sections = part["sections"]
    assert isinstance(sections, list) and all(isinstance(s, dict) for s in sections)
    return sections


def test_parts_keep_sections_whole_when_they_fit_and_continue_long_ones() -> None:
    from builder.pdf.parts import CONTINUED, split

    assert split(_payload([3, 3]), size=6) is None
    parts = split(_payload([3, 4, 9, 2]), size=5)
    assert parts is not None
    layout = [[(s["title"], len(s["cards"])) for s in sections_of(part)] for part in parts]
    assert layout == [[("S0", 3)], [("S1", 4), ("S2", 1)], [(f"S2{CONTINUED}", 5)],
                      [(f"S2{CONTINUED}", 3), ("S3", 2)]]
    assert [part["count"] for part in parts] == [3, 5, 5, 5]
    numbers = [c["n"] for part in parts for s in sections_of(part) for c in s["cards"]]
    assert numbers == [c["n"] for s in _payload([3, 4, 9, 2])["sections"] for c in s["cards"]]


def _in_parts_of(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Typeset any sheet of more than ``size`` questions in parts of ``size``."""
    from builder.pdf import parts as pdfparts

    monkeypatch.setattr(pdfparts, "PART_QUESTIONS", size)
    monkeypatch.setattr(pdfparts, "WHOLE_QUESTIONS", size)


@pytest.fixture
def in_parts(seed: tuple[Document, Assets], tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Any]:
    """The seed sheet typeset whole, and in parts of 4 questions (so several, some cut)."""

    doc, assets = seed
    whole = build(tmp_path / "whole.pdf", [doc], assets)
    _in_parts_of(monkeypatch, 4)
    plan = pdf.plan_pdf(tmp_path / "parts.pdf", "DL", "深度学习面试", [doc], assets, date=DATE)
    assert plan is not None and plan.parts is not None and len(plan.parts) >= 4
    target = tmp_path / "parts.pdf"
    target.write_bytes(pdf.typeset(plan))
    return whole, target, plan


def test_sheet_in_parts_reads_like_the_whole_sheet(in_parts: tuple[Path, Path, Any],
                                                   seed: tuple[Document, Assets]) -> None:
    whole, parts, _plan = in_parts
    doc, _assets = seed
    text = squash(all_text(parts))
    found = [text.find(squash(c.question_text)) for c in doc.cards if not c.is_empty]
    assert -1 not in found and found == sorted(found)
    # Same bookmarks, sections with their questions nested, as the sheet typeset whole.
    reader = pypdf.PdfReader(parts)
    assert outline_titles(reader.outline) == outline_titles(pypdf.PdfReader(whole).outline)
    # Every page numbered "n / N" of the whole, and the cut section marked where it goes on.
    pages = [squash(page.extract_text()) for page in reader.pages]
    assert all(page.endswith(f"{n}/{len(pages)}") for n, page in enumerate(pages, 1)), pages
    assert "（续）" in text and "cont." not in text  # in the deck's language only
    fonts = subprocess.run(["pdffonts", str(parts)], capture_output=True, text=True).stdout \
        if shutil.which("pdffonts") else "NotoSansCJK"
    assert "NotoSansCJK" in fonts


def test_sheet_in_parts_contents_point_at_each_section(in_parts: tuple[Path, Path, Any]
                                                       ) -> None:
    _whole, parts, _plan = in_parts
    reader = pypdf.PdfReader(parts)

    def items(outline: list[Any]) -> list[Any]:
        return [x for item in outline
                for x in (items(item) if isinstance(item, list) else [item])]

    bookmarks = items(reader.outline)
    assert len(bookmarks) >= 10
    for item in bookmarks:  # each section and question bookmark opens the page it is on
        page = reader.pages[reader.get_destination_page_number(item)]
        assert squash(str(item.title))[:12] in squash(page.extract_text()), item.title
    contents = squash(reader.pages[0].extract_text())
    assert "目录" in contents and "Contents" not in contents
    for item in reader.outline:  # the printed contents give the bookmark's page
        if not isinstance(item, list):
            number = reader.get_destination_page_number(item) + 1
            assert re.search(re.escape(squash(str(item.title))) + r"\W*" + str(number),
                             contents), (item.title, contents)


def test_parts_typeset_in_the_background_give_the_same_pdf(in_parts: tuple[Path, Path, Any],
                                                           tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    _whole, parts, plan = in_parts
    scratch = tmp_path / "scratch"  # where the workers put the parts, and the join its sheet
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    with _background(monkeypatch) as jobs:
        jobs.start([plan])
        assert jobs.running == len(plan.parts)  # every part at once
        assert _result_bytes(jobs, plan) == parts.read_bytes()
        assert list(scratch.iterdir()) == []  # nothing left behind once the PDF is taken
        jobs.start([plan])  # started, then not wanted (a failed build): cleared by close
    assert list(scratch.iterdir()) == []


def test_a_failing_part_fails_the_sheet_and_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.render.media import MediaFile

    questions = "".join(f"### 问题 {i}？\n答案 {i}。\n" for i in range(12))
    # The bad card in the first part: the others are still being typeset when it fails.
    doc = parse_text("## 节\n### 坏的？\n公式 $x^2$ 在这里\n" + questions, "bad.md")
    assets = Assets(formulas={doc.cards[0].formulas[0]: RenderedFormula(
        MediaFile("x.png", _tiny_png(tmp_path / "x.png")), 1, 1, 0, "typst", "frac(a")})
    _in_parts_of(monkeypatch, 3)
    plan = pdf.plan_pdf(tmp_path / "deck.pdf", "D", "T", [doc], assets, date=DATE,
                        memo=tmp_path / "cache" / "deck.memo")
    assert plan is not None and plan.parts is not None and len(plan.parts) == 5
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    with _background(monkeypatch) as jobs:
        jobs.start([plan])
        with pytest.raises(PdfError, match=r"^bad\.md:2: cannot typeset this question"):
            _result_bytes(jobs, plan)
        assert list(scratch.iterdir()) == []
    assert not plan.target.exists()
    assert not list((tmp_path / "cache").glob("*"))  # no part cached from a failed sheet


def test_a_part_finishing_after_its_sheet_failed_recreates_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker still typesetting when the build failed and removed the sheet's folder."""
    from builder.pdf import parts as pdfparts

    doc = parse_text("## 节\n" + "".join(f"### 问题 {i}？\n答案 {i}。\n" for i in range(6)), "a.md")
    _in_parts_of(monkeypatch, 3)
    plan = pdf.plan_pdf(tmp_path / "deck.pdf", "D", "T", [doc], Assets(), date=DATE)
    assert plan is not None and plan.parts is not None
    ((part, media), *_rest) = pdf.part_jobs(plan)
    sheet = tmp_path / "build-deck-pdf-gone"  # the failed build removed it
    with pytest.raises(OSError):
        pdf.typeset_part(part, media, sheet / pdfparts.part_file(0))
    assert not sheet.exists()
    sheet.mkdir()  # while the sheet's folder is there, the same part is typeset
    layout = pdf.typeset_part(part, media, sheet / pdfparts.part_file(0))
    assert layout[0] >= 1 and (sheet / pdfparts.part_file(0)).read_bytes().startswith(b"%PDF")


def test_parts_typeset_by_workers_are_cached_and_joined_like_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from builder.cli import main
    from builder.pdf import jobs as pdfjobs

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    _in_parts_of(monkeypatch, 30)  # the split happens in this process
    monkeypatch.setattr(pdfjobs, "BACKGROUND_MIN_QUESTIONS", 1)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    notes = "## 甲\n" + "".join(f"### 问题 {i}？\n答案 {i}。\n" for i in range(100))
    write(tmp_path / "notes" / "n.md", notes)

    def build_pdf(out: str, jobs: str) -> bytes:
        result = CliRunner().invoke(main, ["notes", "--format", "pdf", "-j", jobs, "-o", out])
        assert result.exit_code == 0, result.output
        return (tmp_path / out / "n.pdf").read_bytes()

    def cached() -> set[str]:
        return {p.name for p in (tmp_path / "dist" / ".cache").glob("pdf-*-*.pdf")}

    build_pdf("dist", "2")
    before = cached()
    assert len(before) == 4
    write(tmp_path / "notes" / "n.md", notes.replace("答案 42。", "答案 42，改过了。"))
    after_edit = build_pdf("dist", "2")
    assert len(before - cached()) == 1 and len(cached() - before) == 1  # one part again
    assert after_edit == build_pdf("serial", "1")  # the same bytes as one process makes
    (tmp_path / "dist" / "n.pdf").unlink()  # every part cached: only the join runs
    assert build_pdf("dist", "2") == after_edit
    assert list(scratch.iterdir()) == []


def test_an_edit_typesets_only_its_part_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              typeset: list[int]) -> None:
    from click.testing import CliRunner

    from builder.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    _in_parts_of(monkeypatch, 30)
    notes = "## 甲\n" + "".join(f"### 问题 {i}？\n答案 {i}。\n" for i in range(100))
    write(tmp_path / "notes" / "n.md", notes)

    def build_pdf(out: str) -> bytes:
        result = CliRunner().invoke(main, ["notes", "--format", "pdf", "-j", "1", "-o", out])
        assert result.exit_code == 0, result.output
        return (tmp_path / out / "n.pdf").read_bytes()

    build_pdf("dist")
    assert typeset == [30, 30, 30, 10]
    edited = notes.replace("答案 42。", "答案 42，改过了。")
    write(tmp_path / "notes" / "n.md", edited)
    typeset.clear()
    after_edit = build_pdf("dist")
    assert typeset == [30]  # questions 30–59: the only part that changed
    assert len(list((tmp_path / "dist" / ".cache").glob("pdf-*-*.pdf"))) == 4  # no pile-up
    typeset.clear()
    assert build_pdf("fresh") == after_edit  # the same bytes as typesetting everything
    assert typeset == [30, 30, 30, 10]
    assert "答案42，改过了。" in squash(all_text(tmp_path / "dist" / "n.pdf"))


@pytest.mark.parametrize(("lang", "one_said", "two_said"), [
    ("zh", r"·共1题", r"·共2题"),
    ("en", r"·1question(?!s)", r"·2questions"),
])
def test_title_counts_questions_in_words_that_agree(tmp_path: Path, lang: str, one_said: str,
                                                    two_said: str) -> None:
    front = f"---\nlang: {lang}\n---\n"
    one = parse_text(front + "## 节\n### 唯一的问题？\n答。\n", "one.md")
    two = parse_text(front + "## 节\n### 问一？\n答。\n### 问二？\n答。\n", "two.md")
    assert re.search(one_said, squash(all_text(build(tmp_path / "one.pdf", [one], Assets()))))
    assert re.search(two_said, squash(all_text(build(tmp_path / "two.pdf", [two], Assets()))))


def _texts(value: Any) -> list[tuple[str, str]]:
    """Every (kind, text) of the text and cjk nodes in a payload, in order."""
    if isinstance(value, dict):
        found = [(value["kind"], value["text"])] if value.get("kind") in ("text", "cjk") else []
        return found + [t for key, item in value.items() if key != "words" for t in _texts(item)]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []


def test_cjk_punctuation_is_split_out_wherever_text_is(tmp_path: Path) -> None:
    """Questions, answers, nested inlines, table cells, raw HTML and section introductions:
    quotes, dashes and ellipses touching Chinese are ``cjk`` nodes; Latin ones stay text."""
    doc = parse_text(
        "## 节\n“导言”在这里。\n\n### 什么是“过拟合”？\n"
        "它**很“常见”**，也常见……What’s this — a test.\n\n等等……\n\n"
        "| 列 |\n|---|\n| 表格——内容 |\n\n"
        "<div>网页“引号”</div>\n", "cjk.md")
    plan = pdf.plan_pdf(tmp_path / "cjk.pdf", "D", "T", [doc], Assets(), date=DATE)
    texts = _texts(plan.payload["sections"])
    cjk = [text for kind, text in texts if kind == "cjk"]
    # The question, the answer (in bold too), a table cell, raw HTML, the introduction.
    assert cjk == ["“", "”", "“", "”", "……", "……", "——", "“", "”", "“", "”"], texts
    assert ("text", "What’s this — a test.") in texts
    assert all("“" not in text and "……" not in text for kind, text in texts if kind == "text")


def test_every_cjk_punctuation_mark_is_known_to_the_pdf_json() -> None:
    """The PDF's JSON looks for CJK punctuation only in texts holding one of CJK_MARKS: a
    mark the split takes out but the set lacks would stay in the Latin font."""
    from builder.pdf.cjkspacing import CJK_MARKS, with_cjk_punctuation

    taken = set()
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        for text in (chr(code) + "你", "你" + chr(code)):
            nodes: list[dict[str, object]] = [{"kind": "text", "text": text}]
            with_cjk_punctuation(nodes)
            taken |= {str(node["text"]) for node in nodes if node["kind"] == "cjk"}
    assert taken and taken <= set(CJK_MARKS), taken - set(CJK_MARKS)

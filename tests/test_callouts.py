"""Callouts (GitHub alerts, Obsidian callouts, ``:::`` containers, ``!!!`` admonitions)
reach the real Anki as a sanitised, titled box and the PDF as one, their markers gone;
stray markers stay text with a diagnostic, and callouts that ask are questions."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.anki.cardtemplate import CSS
from builder.cli import main
from builder.model import Card, Document, Node, plain_text, walk_all
from builder.parse.document import parse_text

from .conftest import answers_by_question, imported_notes, write
from .test_pdf import all_text

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURES = Path(__file__).parent / "fixtures"


def _parse(name: str) -> Document:
    return parse_text((FIXTURES / name).read_text(encoding="utf-8"), name)


def _card(doc: Document, question: str) -> Card:
    return next(card for card in doc.cards if card.question_text == question)


def _callouts(nodes: tuple[Node, ...]) -> list[Node]:
    return [n for n in walk_all(nodes) if n.kind == "callout"]


def _title(callout: Node) -> str:
    return plain_text(callout.children[0].children) if callout.children \
        and callout.children[0].kind == "callout_title" else ""


def _build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, *args: str) -> str:
    shutil.copy(FIXTURES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [name, *args])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.output


def _answers(collection: Collection, apkg: Path) -> dict[str, str]:
    return answers_by_question(imported_notes(collection, apkg))


# -- parse -------------------------------------------------------------------------------

def test_alerts_and_callouts_are_callout_blocks_of_any_type_and_case() -> None:
    doc = _parse("alerts.md")
    first, second = _callouts(_card(doc, "什么是 BN？").answer), \
        _callouts(_card(doc, "为什么 BN 能加速训练？").answer)
    assert [(c.attr("type"), c.attr("fold"), _title(c)) for c in first] == [
        ("note", "", "Note"), ("tip", "", "小技巧 \\epsilon"), ("warning", "", "Warning")]
    assert [(c.attr("type"), c.attr("fold"), _title(c)) for c in second] == [
        ("important", "-", "折叠的要点"), ("caution", "+", "嵌套"), ("caution", "", "Caution"),
        ("custom-kind", "", "自定义类型")]
    nested = second[1]
    assert nested in walk_all(second[0].children)  # a callout inside a callout
    # The marker line is no text of the answer; the body's text is, markup kept.
    text = "".join(n.text for n in walk_all(_card(doc, "什么是 BN？").answer))
    assert "[!" not in text and "推理时用滑动平均的" in text
    assert any(n.kind == "strong" for n in walk_all(first[0].children))
    # Every callout spans its marker line to its last line.
    assert (first[0].line, first[0].end_line) == (9, 10)
    # An escaped marker is a quote, as GitHub shows it.
    quote = _card(doc, "为什么 BN 能加速训练？").answer[-1]
    assert quote.kind == "blockquote" and "[!NOTE]" in plain_text(quote.children[0].children)


def test_containers_and_admonitions_are_callout_blocks() -> None:
    doc = _parse("containers.md")
    over = _callouts(_card(doc, "什么是过拟合？").answer)
    assert [(c.attr("type"), c.attr("fold"), c.attr("syntax"), _title(c)) for c in over] == [
        ("tip", "", "container", "提示"), ("details", "-", "container", "点击查看答案")]
    assert any(n.kind == "bullet_list" for n in over[1].children)  # the answer inside
    nested = _callouts(_card(doc, "如何缓解过拟合？").answer)
    assert [(c.attr("type"), _title(c)) for c in nested] == [
        ("warning", "注意"), ("danger", "Danger"), ("tip", "Tip")]
    assert nested[1] in walk_all(nested[0].children)
    assert (nested[0].line, nested[0].end_line) == (20, 26)  # the closing :::: its own
    assert (over[0].line, over[0].end_line) == (7, 9)
    admon = _parse("admonitions.md")
    boxes = _callouts(_card(admon, "What is warm-up?").answer)
    assert [(c.attr("type"), c.attr("fold"), c.attr("syntax"), _title(c)) for c in boxes] == [
        ("note", "", "admonition", "Why it helps"), ("question", "-", "admonition",
                                                     "How long should it last?"),
        ("tip", "+", "admonition", "Tip")]
    assert len([c for c in boxes[0].children if c.kind == "paragraph"]) == 2
    untitled = _callouts(_card(admon, "What is weight decay?").answer)[0]
    assert untitled.attr("type") == "warning" and _title(untitled) == ""


def test_a_container_left_open_or_around_a_heading_stays_text_with_a_warning() -> None:
    doc = _parse("containers.md")
    # The questions after each stray ::: are still questions.
    assert [c.question_text for c in doc.cards][-3:] == [
        "容器没有关上会怎样？", "下一题还在吗？", "标题里的问题？"]
    stray = _card(doc, "容器没有关上会怎样？")
    assert plain_text(stray.answer[0].children).startswith("::: tip 没有关上")
    warned = [str(d) for d in doc.diagnostics if d.code == "container-unclosed"]
    assert warned == [
        "containers.md:34:1: warning: container `::: tip 没有关上` is not closed by a `:::` "
        "line before the next heading (or the end of its quote or list): its lines are "
        "kept as text [container-unclosed]",
        "containers.md:41:1: warning: container `::: details 跨过标题的容器` is not closed by "
        "a `:::` line before the next heading (or the end of its quote or list): its lines "
        "are kept as text [container-unclosed]"]


def test_an_admonition_with_no_body_stays_a_line_of_text() -> None:
    answer = _card(_parse("admonitions.md"), "What is warm-up?").answer
    assert plain_text(answer[-1].children) == "!!! 重要 这一行没有正文"


def test_a_callout_that_asks_is_a_question_and_one_without_a_title_is_not() -> None:
    doc = _parse("callout-questions.md")
    assert [c.question_text for c in doc.cards] == [
        "什么是自注意力？", "为什么要除以 \\sqrt{d}？", "What is warm-up?"]
    first = _card(doc, "什么是自注意力？")
    assert plain_text(first.answer[0].children) == "序列中每个位置对所有位置加权求和。"
    assert first.formulas == () and _card(doc, "为什么要除以 \\sqrt{d}？").formulas
    # A plain note after a question callout belongs to its answer; an untitled
    # question callout is a box in the answer before it.
    assert _callouts(_card(doc, "为什么要除以 \\sqrt{d}？").answer)[0].attr("type") == "note"
    last = _callouts(_card(doc, "What is warm-up?").answer)
    assert [c.attr("type") for c in last] == ["question"]
    assert not [d for d in doc.diagnostics if d.severity != "note"]


def test_callouts_inside_a_heading_questions_answer_stay_in_it() -> None:
    text = ("## S\n\n### What is X?\n\nX is a thing.\n\n> [!faq] Why X?\n> Because.\n\n"
            "### What is Y?\n\nY.\n")
    doc = parse_text(text, "n.md")
    assert [c.question_text for c in doc.cards] == ["What is X?", "What is Y?"]
    assert _callouts(_card(doc, "What is X?").answer)[0].attr("type") == "faq"


def test_callouts_that_ask_in_a_section_without_heading_questions_are_each_a_card() -> None:
    text = ("## S\n\n### What is X?\n\nX.\n\n### What is Y?\n\nY.\n\n## FAQ\n\n"
            "> [!faq] Why X?\n> Because.\n\n> [!faq]- Why Y?\n> Also because.\n\n"
            "More on Y.\n")
    doc = parse_text(text, "n.md")
    assert [(c.question_text, c.section_path) for c in doc.cards] == [
        ("What is X?", ("S",)), ("What is Y?", ("S",)), ("Why X?", ("FAQ",)),
        ("Why Y?", ("FAQ",))]
    last = _card(doc, "Why Y?")
    assert [plain_text(n.children) for n in last.answer] == ["Also because.", "More on Y."]
    assert not doc.diagnostics


# -- the real Anki ------------------------------------------------------------------------

def test_callouts_reach_the_real_anki_as_titled_boxes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    _build(tmp_path, monkeypatch, "alerts.md", "--format", "apkg")
    answers = _answers(collection, tmp_path / "dist" / "提示框.apkg")
    first, second = answers["什么是 BN？"], answers["为什么 BN 能加速训练？"]
    assert '<div class="callout callout-note"><p class="callout-title">Note</p>' in first
    assert "[!NOTE]" not in first and "[!tip]" not in first
    assert '<p class="callout-title">小技巧 <img class="math"' in first  # a formula drawn
    # Foldable: a <details> shown open, its title the summary; nested inside it.
    assert re.search(r'<details class="callout callout-important" open(="")?>'
                     r'<summary class="callout-title">折叠的要点</summary>', second)
    inner = second.index('<details class="callout callout-caution"')
    assert second.index("折叠的要点") < inner < second.index("</details>")
    assert '<div class="callout callout-note"><p class="callout-title">自定义类型' in second
    models = [collection.models.by_name(m.name) for m in collection.models.all_names_and_ids()]
    assert any(".nightMode .callout-caution" in model["css"] for model in models if model)


def test_containers_and_admonitions_reach_the_real_anki(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    _build(tmp_path, monkeypatch, "containers.md", "--format", "apkg")
    answers = _answers(collection, tmp_path / "dist" / "容器.apkg")
    over = answers["什么是过拟合？"]
    assert re.search(r'<details class="callout callout-quote" open(="")?><summary '
                     r'class="callout-title">点击查看答案</summary><p>训练误差低', over)
    assert ":::" not in over
    nested = answers["如何缓解过拟合？"]
    assert nested.index("外层内容") < nested.index("callout-caution") < nested.index("内层内容")
    assert "::: tip 没有关上" in answers["容器没有关上会怎样？"]  # kept as text


def test_a_hostile_callout_is_sanitised_in_the_card(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    (tmp_path / "h.md").write_text(
        "# H\n\n## S\n\n### Q?\n\n> [!note] <img src=x onerror=alert(1)>标题\n"
        "> <script>alert(2)</script>正文\n\n::: tip <b onclick=x>t</b>\nbody\n:::\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["h.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    answer = _answers(collection, tmp_path / "dist" / "H.apkg")["Q?"]
    assert "callout-title" in answer and "标题" in answer and "正文" in answer
    assert "onerror" not in answer and "<script" not in answer and "onclick" not in answer


# -- the PDF -----------------------------------------------------------------------------

def test_the_pdf_prints_callouts_with_their_titles_and_no_markers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("alerts.md", "containers.md", "admonitions.md"):
        _build(tmp_path, monkeypatch, name, "--format", "pdf")
    alerts = all_text(tmp_path / "dist" / "提示框.pdf")
    for words in ("Note", "小技巧", "折叠的要点", "嵌套", "自定义类型", "小批量时换成 GroupNorm"):
        assert words in alerts
    # Only the escaped marker, a quote's text, is printed as written.
    assert alerts.count("[!NOTE]") == 1 and "[!NOTE] 这一行是引用" in alerts
    assert "[!tip]" not in alerts and "[!WARNING]" not in alerts
    containers = all_text(tmp_path / "dist" / "容器.pdf")
    assert "点击查看答案" in containers and "训练误差低" in containers
    assert "::: details 点击查看答案" not in containers and "::: tip 没有关上" in containers
    admonitions = all_text(tmp_path / "dist" / "Admonitions.pdf")
    assert "Why it helps" in admonitions and "How long should it last?" in admonitions
    assert "!!! note" not in admonitions and "!!! 重要 这一行没有正文" in admonitions
    page = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1",
                    str(tmp_path / "dist" / "提示框.pdf"), str(page)], check=True)
    assert list(tmp_path.glob("page*.png"))


def test_the_card_css_colours_each_family_by_day_and_by_night() -> None:
    for family in ("tip", "important", "warning", "caution", "question", "quote"):
        assert f".callout-{family} {{ --bd-callout:" in CSS
        assert f".nightMode .callout-{family}, .night_mode .callout-{family}" in CSS


def test_hostile_runs_of_container_and_admonition_lines_keep_every_line() -> None:
    stray = "### Q?\n\n" + "text\n::: tip\n" * 3000
    doc = parse_text(stray, "h.md")
    assert plain_text(doc.cards[0].answer[0].children).count("::: tip") == 3000
    # Containers nested 120 deep around a heading: none may stand, the heading is a question.
    nested = ("### Q?\n\n" + "".join(":" * (3 + k) + " tip\n" for k in range(120))
              + "### R?\n\n" + "".join(":" * (3 + k) + "\n" for k in range(120)))
    doc = parse_text(nested, "h.md")
    assert [c.question_text for c in doc.cards] == ["Q?", "R?"]
    assert not _callouts(doc.cards[0].answer) and not _callouts(doc.cards[1].answer)
    deep = "### Q?\n\n" + "".join("    " * k + "!!! note\n" for k in range(300))
    assert parse_text(deep, "h.md").cards[0].answer


def test_obsidian_admonition_code_blocks_are_callouts_and_ask_as_callouts_do() -> None:
    doc = _parse("admonition-blocks.md")
    assert [(c.question_text, c.section_path) for c in doc.cards] == [
        ("什么是 BN？", ("归一化",)), ("LN 和 BN 的区别？", ("归一化",)),
        ("为什么 Dropout 能防止过拟合？", ("正则化",)), ("L1 为什么稀疏？", ("正则化",))]
    bn = _card(doc, "什么是 BN？")
    # The body is Markdown: bold, and a code block nested with a shorter fence.
    assert [n.kind for n in bn.answer] == ["paragraph", "code_block"]
    assert "strong" in {n.kind for n in walk_all(bn.answer)}
    assert bn.answer[1].line == 10 and bn.answer[0].line == 8
    (note,) = _callouts(_card(doc, "LN 和 BN 的区别？").answer)
    assert (note.attr("type"), note.attr("fold"), _title(note)) == ("note", "", "提示")
    assert plain_text(note.children[1].children) == "LN 常用于 Transformer。"
    (tip,) = _callouts(_card(doc, "为什么 Dropout 能防止过拟合？").answer)
    assert (tip.attr("type"), _title(tip)) == ("tip", "Tip")
    assert not [d for d in doc.diagnostics if d.severity != "note"]


def test_admonition_block_settings_and_nesting() -> None:
    text = ("## S\n\n### What is X?\n\nX.\n\n```ad-question\ntitle: Why X?\n"
            "collapse: open\nicon: x\ncolor: 1, 2, 3\nBecause.\n```\n")
    (card,) = parse_text(text, "n.md").cards
    (box,) = _callouts(card.answer)  # inside a heading question's answer: a box, no card
    assert (box.attr("type"), box.attr("fold"), _title(box)) == ("question", "+", "Why X?")
    assert plain_text(box.children[1].children) == "Because."
    # Each setting line counts, a repeated one too: the body stays at its own line.
    text = "### What is Z?\n\n```ad-note\ntitle: A\ntitle: B\nBody.\n```\n"
    (card,) = parse_text(text, "z.md").cards
    (box,) = _callouts(card.answer)
    assert _title(box) == "B" and box.children[1].line == 6
    # Deeper than AD_DEPTH, an Admonition block stays the code it is written as.
    from builder.parse.callouts import AD_DEPTH

    depth = AD_DEPTH + 2
    nested = "".join("`" * (3 + depth - i) + "ad-note\n" for i in range(depth)) + "core\n" + \
        "".join("`" * (4 + i) + "\n" for i in range(depth))
    (deep,) = parse_text(f"### What is Y?\n\n{nested}", "m.md").cards
    boxes = _callouts(deep.answer)
    assert len(boxes) == AD_DEPTH
    codes = [n for n in walk_all(deep.answer) if n.kind == "code_block"]
    assert len(codes) == 1 and "core" in codes[0].text and "ad-note" in codes[0].text


def test_admonition_blocks_reach_anki_as_boxes_not_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    _build(tmp_path, monkeypatch, "admonition-blocks.md", "--format", "apkg", "--no-lock")
    answers = _answers(collection, next(Path("dist").glob("*.apkg")))
    note_box = answers["LN 和 BN 的区别？"]
    assert 'class="callout callout-note"' in note_box and "提示" in note_box
    for answer in answers.values():
        assert "ad-note" not in answer and "ad-tip" not in answer and "title:" not in answer
    assert "<b>标准化</b>" in answers["什么是 BN？"]
    assert 'class="callout callout-tip"' in answers["为什么 Dropout 能防止过拟合？"]


def test_boxes_that_ask_in_the_introduction_of_a_section_of_heading_questions_are_cards(
        ) -> None:
    text = ("# T\n\n## 归一化\n\n归一化是训练技巧。\n\n> [!question]- 什么是 BN？\n> 标准化。\n\n"
            "### LN 和 BN 的区别？\n\nLN 在特征维。\n\n## 正则化\n\n"
            '??? question "什么是 Dropout？"\n    随机丢弃。\n\n'
            "```ad-question\ntitle: 什么是权重衰减？\nL2。\n```\n\n"
            "### L1 为什么稀疏？\n\n菱形。\n")
    doc = parse_text(text, "n.md")
    assert [(c.question_text, c.section_path) for c in doc.cards] == [
        ("什么是 BN？", ("归一化",)), ("LN 和 BN 的区别？", ("归一化",)),
        ("什么是 Dropout？", ("正则化",)), ("什么是权重衰减？", ("正则化",)),
        ("L1 为什么稀疏？", ("正则化",))]
    assert [plain_text(n.children) for n in _card(doc, "什么是权重衰减？").answer] == ["L2。"]
    # The paragraph before the box stays the section's introduction.
    assert [plain_text(n.children) for n in doc.sections[0].intro] == ["归一化是训练技巧。"]


def test_the_structure_report_names_callouts_as_callouts(tmp_path: Path) -> None:
    """Questions that are callouts (all of them, or some beside bold lines) are said to be
    callouts in the structure line and its reason, not bold lines."""
    write(tmp_path / "c.md", "# C\n\n## A\n\n> [!question] 什么是自注意力？\n> 加权求和。\n\n"
          "> [!faq] 为什么除以根号 d？\n> 防止饱和。\n")
    write(tmp_path / "m.md", "# M\n\n## A\n\n**什么是 BN？**\n\n归一化。\n\n"
          "> [!question] 什么是 LN？\n> 按层归一化。\n\n**什么是 GN？**\n\n分组。\n")
    out = CliRunner().invoke(main, ["check", "--explain-structure", str(tmp_path / "c.md"),
                                    str(tmp_path / "m.md")]).output
    assert "c.md: sections ##, questions asking callouts (detected)" in out, out
    assert "because 2 asking callout(s) read as questions" in out, out
    assert "m.md: sections ##, questions bold lines and asking callouts (detected)" in out, out
    assert "because 2 bold line(s) and 1 asking callout(s) read as questions" in out, out


def test_a_container_after_one_nested_in_an_admonition_is_still_a_box() -> None:
    """The ``:::`` closing lines are listed once per parse: first listed inside an
    admonition's body, they must still be those of the whole file."""
    text = '## Q?\n\n!!! note "a"\n    ::: tip\n    x\n    :::\n\n::: warning\ny\n:::\n'
    doc = parse_text(text, "n.md")
    (card,) = doc.cards
    boxes = [n.attr("type") for n in walk_all(card.answer) if n.kind == "callout"]
    assert boxes == ["note", "tip", "warning"], card.answer
    assert not [d for d in doc.diagnostics if d.code == "container-unclosed"]

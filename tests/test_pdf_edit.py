"""A large sheet rebuilt after an edit: only the touched part is typeset again, and the PDF
is the one a build from scratch makes, page for page (text, pictures, bookmarks)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.pdf import jobs as pdfjobs
from builder.pdf import parts as pdfparts
from builder.pdf import typeset as pdf
from builder.pdf import workerstart

from .conftest import write
from .imagefiles import write_png

pypdf = pytest.importorskip("pypdf")

DAY = 86_400
EPOCH = 1_714_521_600  # 2024-05-01
SECTIONS = ("甲", "乙", "丙")


def _notes(edits: dict[int, str] | None = None) -> str:
    """Three sections of 25 questions; ``edits`` replaces answers by question number."""
    lines = []
    for s, section in enumerate(SECTIONS):
        lines.append(f"## 第{section}节\n")
        for q in range(25):
            n = s * 25 + q
            answer = (edits or {}).get(n, f"第 {n} 题的答案，" + "这一句话要写得长一些，"
                                       "好让每一部分都占不止一页。" * 4)
            lines.append(f"### 问题 {n} 是什么？\n{answer}\n")
    return "\n".join(lines)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Parts of 10: the 75 questions make 8 parts, two sections cut between parts.
    monkeypatch.setattr(pdfparts, "PART_QUESTIONS", 10)
    monkeypatch.setattr(pdfparts, "WHOLE_QUESTIONS", 10)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "notes" / "n.md", _notes())
    return tmp_path


def _build(out: str, jobs: str = "1") -> Path:
    result = CliRunner().invoke(main, ["notes", "--format", "pdf", "-j", jobs, "-o", out])
    assert result.exit_code == 0, result.output
    return Path(out) / "n.pdf"


def _cached(out: str) -> set[str]:
    return {p.name for p in (Path(out) / ".cache").glob("pdf-*-*.pdf")}


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def _bookmarks(path: Path) -> list[tuple[str, int]]:
    reader = pypdf.PdfReader(path)

    def flat(outline: list[Any]) -> list[Any]:
        return [x for item in outline for x in (flat(item) if isinstance(item, list) else [item])]

    return [(str(item.title), reader.get_destination_page_number(item))
            for item in flat(reader.outline)]


def _picture(path: Path, page: int, tmp: Path) -> bytes:
    """Page ``page`` (1-based) drawn at 70 dpi, as PNG bytes."""
    stem = tmp / f"{path.parent.name}-{page}"
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", str(page),
                    "-l", str(page), str(path), str(stem)], check=True)
    return stem.with_suffix(".png").read_bytes()


def _same_pdf(edited: Path, fresh: Path, tmp: Path, *pages: int) -> None:
    """The two PDFs read and look the same."""
    assert _pages(edited) == _pages(fresh)  # text, page by page, page numbers and header
    assert _bookmarks(edited) == _bookmarks(fresh)
    if shutil.which("pdftoppm"):
        for page in pages:
            assert _picture(edited, page, tmp) == _picture(fresh, page, tmp), page
    assert edited.read_bytes() == fresh.read_bytes()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_edited_sheet_is_the_sheet_built_from_scratch(project: Path, jobs: str) -> None:
    first = _build("dist", jobs)
    before = _cached("dist")
    assert len(before) == 8
    old_pages = _pages(first)
    # One answer in the middle section, long enough to take more room in its part.
    edited = {37: "改过的答案：" + "它现在长得多，" * 1500 + "完。"}
    write(project / "notes" / "n.md", _notes(edited))
    after = _build("dist", jobs)
    assert len(before - _cached("dist")) == 1 and len(_cached("dist") - before) == 1
    pages = _pages(after)
    assert len(pages) > len(old_pages)  # the part grew a page: later page numbers moved
    touched = next(n for n, text in enumerate(pages, 1) if "它现在长得多" in text)
    fresh = _build("fresh", jobs)
    _same_pdf(after, fresh, project, 1, touched, len(pages))
    assert f"{len(pages)} / {len(pages)}" in pages[-1]


def test_a_stale_part_is_never_reused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache would hand back a part typeset before the edit under a key that missed
    what changed: the edited text must still be in the PDF."""
    _build("dist")
    write(project / "notes" / "n.md", _notes({12: "新的答案文字。"}))
    after = _build("dist")
    assert "新的答案文字" in "".join(_pages(after)).replace(" ", "")
    _same_pdf(after, _build("fresh"), project, 2)


def test_the_next_day_typesets_no_part_again(project: Path, monkeypatch: pytest.MonkeyPatch,
                                              typeset: list[int]) -> None:
    _build("dist")
    assert len(typeset) == 8
    typeset.clear()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + DAY))
    next_day = _build("dist")
    assert typeset == []  # the parts show no date: only the join runs
    assert "2024-05-02" in _pages(next_day)[0]
    _same_pdf(next_day, _build("fresh"), project, 1, 2)


def test_a_cache_entry_with_the_wrong_headings_is_typeset_again(project: Path) -> None:
    import json

    first = _build("dist").read_bytes()
    entry = sorted((project / "dist" / ".cache").glob("pdf-*-*.json"))[0]
    layout = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps({**layout, "at": layout["at"][:-1]}), encoding="utf-8")
    (project / "dist" / "n.pdf").unlink()
    assert _build("dist").read_bytes() == first


def test_watch_keeps_its_pdf_worker_for_the_next_save(project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(pdfjobs, "BACKGROUND_MIN_QUESTIONS", 1)
    in_one_task: list[int] = []
    part_and_join = pdfjobs.PdfJobs._part_and_join

    def spied(self: pdfjobs.PdfJobs, sheet: Any, index: int) -> None:
        in_one_task.append(index)
        part_and_join(self, sheet, index)

    monkeypatch.setattr(pdfjobs.PdfJobs, "_part_and_join", spied)
    with pdfjobs.warm_workers():
        _build("dist", "2")
        assert in_one_task == []  # eight parts, then the join
        kept = {p.pid for p in multiprocessing.active_children()}
        assert kept  # the workers wait for the next save
        write(project / "notes" / "n.md", _notes({40: "改了一个答案。"}))
        after = _build("dist", "2")
        assert in_one_task == [4]  # question 40's part (the fifth) and the join, in one task
        assert {p.pid for p in multiprocessing.active_children()} & kept  # the same worker
    assert not [p for p in multiprocessing.active_children() if p.pid in kept]
    _same_pdf(after, _build("fresh"), project, 2)


def test_a_failed_pdf_stops_the_kept_workers(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A part still typesetting when its sheet failed is stopped, kept worker or not."""
    import multiprocessing

    from builder.parse.document import parse_text
    from builder.render.assets import Assets
    from builder.render.formulacache import RenderedFormula
    from builder.render.media import MediaFile

    monkeypatch.setattr(pdfjobs, "BACKGROUND_MIN_QUESTIONS", 1)
    monkeypatch.setattr(pdfparts, "PART_QUESTIONS", 3)
    monkeypatch.setattr(pdfparts, "WHOLE_QUESTIONS", 3)
    questions = "".join(f"### 问题 {i}？\n答案 {i}。\n" for i in range(12))
    good = parse_text("## 节\n" + questions, "good.md")
    bad = parse_text("## 节\n### 坏的？\n公式 $x^2$ 在这里\n" + questions, "bad.md")
    png = tmp_path / "x.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")  # never read: the typst source fails first
    assets = Assets(formulas={bad.cards[0].formulas[0]: RenderedFormula(
        MediaFile("x.png", png), 1, 1, 0, "typst", "frac(a")})

    def plan(doc: Any) -> pdf.PdfPlan:
        return pdf.plan_pdf(tmp_path / f"{doc.path}.pdf", "D", "T", [doc], assets,
                            date="2024-05-01")

    with pdfjobs.warm_workers():
        with pdfjobs.PdfJobs(2) as jobs:
            jobs.start([plan(good)])
            with jobs.result(plan(good)) as typeset:
                assert isinstance(typeset, Path) and typeset.read_bytes().startswith(b"%PDF")
        kept = {p.pid for p in multiprocessing.active_children()}
        assert kept
        with pytest.raises(pdf.PdfError, match=r"^bad\.md:2: cannot typeset"), \
                pdfjobs.PdfJobs(2) as jobs:
            jobs.start([plan(bad)])
            with jobs.result(plan(bad)):
                pass
        assert not multiprocessing.active_children()  # the kept workers, or any since


def _question_pages(path: Path) -> dict[int, list[int]]:
    """Question number → the 0-based pages whose text shows its heading."""
    found: dict[int, list[int]] = {}
    for index, text in enumerate(_pages(path)):
        for n in range(75):
            if f"问题 {n} 是什么？" in text.replace("\n", ""):
                found.setdefault(n, []).append(index)
    return found


def test_a_joined_sheet_bookmarks_each_question_on_its_page(project: Path) -> None:
    """Checked against the pages themselves, not against another build: a part page laid
    under the wrong frame page, a heading left out or a wrong "n / N" fails."""
    # One long answer: its part takes pages, and later questions are on its last page.
    write(project / "notes" / "n.md", _notes({37: "很长的答案：" + "它要占好几页，" * 1500}))
    sheet = _build("dist", "2")
    pages = _pages(sheet)
    shown = _question_pages(sheet)
    assert sorted(shown) == list(range(75))
    assert all(len(on) == 1 for on in shown.values()), shown  # each question once
    marks = dict(_bookmarks(sheet))
    for n, (page,) in shown.items():
        assert marks.get(f"问题 {n} 是什么？") == page, n
    for section in SECTIONS:
        first = min(page for n, (page,) in shown.items() if n // 25 == SECTIONS.index(section))
        assert marks.get(f"第{section}节") == first, section
    assert shown[0] == [1]  # the title page and contents come first
    assert shown[38][0] - shown[37][0] > 2
    for number, text in enumerate(pages[1:], 2):
        assert f"{number} / {len(pages)}" in text, number
    # The running header: the deck ("n"), then the section the page starts in.
    assert "n 第乙节" in pages[shown[40][0]]


def test_a_joined_sheet_keeps_the_links_of_its_parts(project: Path) -> None:
    """typst drew part pages as pictures, without their links; the join keeps them."""
    link = "https://example.com/paper?id=1"
    write(project / "notes" / "n.md", _notes({40: f"见[这篇论文]({link})。"}))
    sheet = _build("dist", "2")
    reader = pypdf.PdfReader(sheet)
    uris = [(index, annotation.get_object()["/A"]["/URI"])
            for index, page in enumerate(reader.pages)
            for annotation in page.get("/Annots") or []
            if "/A" in annotation.get_object()]
    on = _question_pages(sheet)[40][0]
    assert (on, link) in uris
    assert "这篇论文" in _pages(sheet)[on]


def test_each_part_gets_the_pictures_it_shows(project: Path) -> None:
    """A part is typeset alone in its own folder: a picture or diagram left out of its
    files would fail the build; one given to every part would re-key them all."""
    write_png(project / "notes" / "pic.png", rgb=(0x20, 0x40, 0x80))
    diagram = "```diagram\ntype: activation\nfunctions: [relu]\n```"
    write(project / "notes" / "n.md", _notes({3: "图：\n\n![示意](pic.png)",
                                              52: f"画出来：\n\n{diagram}"}))
    sheet = _build("dist", "2")  # fails if a part's folder lacks a file it shows
    shown = _question_pages(sheet)
    reader = pypdf.PdfReader(sheet)
    assert [image.name for image in reader.pages[shown[3][0]].images]  # the picture, inside
    assert "画出来" in _pages(sheet)[shown[52][0]]
    before = _cached("dist")
    # The picture goes, and two lines with it: every later question moves up, but only
    # the part that showed the picture is typeset again.
    write(project / "notes" / "n.md", _notes({3: "图没了。", 52: f"画出来：\n\n{diagram}"}))
    _build("dist", "2")
    assert len(before - _cached("dist")) == 1


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs pdftoppm (poppler-utils)")
def test_a_joined_page_shows_its_part_page_as_typeset(project: Path) -> None:
    """Below the running header and above the page number, every first page of a part
    is drawn exactly as the part itself (typst's picture of a page was not, quite)."""
    import io

    from PIL import Image

    sheet = _build("dist", "2")

    def body(path: Path, page: int) -> bytes:
        picture = Image.open(io.BytesIO(_picture(path, page, project))).convert("L")
        width, height = picture.size
        return picture.crop((0, 45, width, height - 45)).tobytes()  # 16 and 15 mm margins

    shown = {body(sheet, page) for page in range(2, len(_pages(sheet)) + 1)}
    parts = sorted((project / "dist" / ".cache").glob("pdf-*-*.pdf"))
    assert len(parts) == 8
    for part in parts:
        assert body(part, 1) in shown, part.name


def test_a_part_page_of_several_content_streams_is_stacked_whole(tmp_path: Path) -> None:
    """typst writes one content stream a page; a page of several (as other writers make)
    is laid under the frame as one form, drawn the same."""
    pikepdf = pytest.importorskip("pikepdf")
    from builder.pdf.stack import stack

    def one_page(path: Path, content: list[bytes]) -> None:
        pdf = pikepdf.new()
        font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))
        page = pdf.add_blank_page(page_size=(200, 200))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        streams = [pdf.make_stream(data) for data in content]
        page.obj.Contents = streams[0] if len(streams) == 1 else pikepdf.Array(streams)
        pdf.save(path)

    one_page(tmp_path / "frame.pdf", [b"BT /F1 8 Tf 10 190 Td (header) Tj ET"])
    one_page(tmp_path / "whole.pdf", [b"BT /F1 12 Tf 20 100 Td (part text) Tj ET"])
    one_page(tmp_path / "split.pdf", [b"BT /F1 12 Tf", b"20 100 Td (part text) Tj ET"])
    stack(tmp_path / "frame.pdf", [(tmp_path / "whole.pdf", 1)], tmp_path / "a.pdf")
    stack(tmp_path / "frame.pdf", [(tmp_path / "split.pdf", 1)], tmp_path / "b.pdf")
    for joined in (tmp_path / "a.pdf", tmp_path / "b.pdf"):
        text = pypdf.PdfReader(joined).pages[0].extract_text()
        assert "part text" in text and "header" in text, text
    if shutil.which("pdftoppm"):
        assert _picture(tmp_path / "a.pdf", 1, tmp_path) == _picture(tmp_path / "b.pdf", 1,
                                                                      tmp_path)


def test_a_part_that_is_not_a_pdf_is_a_clear_error(tmp_path: Path) -> None:
    from builder.pdf.stack import StackError, stack

    pikepdf = pytest.importorskip("pikepdf")
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "frame.pdf")
    (tmp_path / "part.pdf").write_bytes(b"not a PDF")
    with pytest.raises(StackError, match=r"^cannot join the parts of the PDF: "):
        stack(tmp_path / "frame.pdf", [(tmp_path / "part.pdf", 1)], tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_an_edit_that_moves_no_page_joins_under_the_kept_frame(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame (title page, contents, header, page numbers) is typst's slowest part of a
    join: made again only when a page or heading moved, or the date changed."""
    staged: list[str] = []
    stage_files = pdf._stage_files

    def counted(workdir: Path, template: str, media: dict[str, Path]) -> Path:
        staged.append(template)
        return stage_files(workdir, template, media)

    monkeypatch.setattr(pdf, "_stage_files", counted)
    _build("dist")
    assert staged.count(pdf.JOIN_TEMPLATE) == 1
    staged.clear()
    write(project / "notes" / "n.md", _notes({12: "新的答案。"}))
    same_pages = _build("dist")
    assert staged == [pdf.PART_TEMPLATE]  # its part, and the frame kept
    _same_pdf(same_pages, _build("fresh"), project, 1)
    staged.clear()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + DAY))
    assert "2024-05-02" in _pages(_build("dist"))[0]
    assert staged == [pdf.JOIN_TEMPLATE]


def test_a_watch_whose_workers_hold_much_keeps_a_fresh_one(project: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that joined a large sheet holds typst's memo of all of it and is let go
    (``KEEP_QUESTIONS``); a fresh one, started at once, waits for the next save."""
    import multiprocessing

    monkeypatch.setattr(pdfjobs, "BACKGROUND_MIN_QUESTIONS", 1)
    monkeypatch.setattr(pdfjobs, "KEEP_QUESTIONS", 0)
    with pdfjobs.warm_workers():
        _build("dist", "2")
        kept = {p.pid for p in multiprocessing.active_children()}
        assert len(kept) == 1
        write(project / "notes" / "n.md", _notes({40: "改了一个答案。"}))
        after = _build("dist", "2")
        now = {p.pid for p in multiprocessing.active_children()}
        assert len(now) == 1 and not now & kept  # the one that typeset the edit let go too
    assert not multiprocessing.active_children()
    _same_pdf(after, _build("fresh"), project, 2)


def test_a_kept_worker_loads_typst_and_qpdf_as_it_starts(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        tmp_path: Path) -> None:
    """In this process (a worker's start, which ignores Ctrl-C: the handler is put back)."""
    import logging
    import signal
    import sys

    from builder.render import typstengine

    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.delitem(sys.modules, "pikepdf", raising=False)
    typstengine._fonts.cache_clear()
    with caplog.at_level(logging.DEBUG, logger="builder.pdf.workerstart"):
        workerstart.start_kept_worker(tmp_path)
    assert not list(tmp_path.iterdir())  # its warm-up folder removed
    assert "not warmed up" not in caplog.text  # the tiny part typeset
    assert "pikepdf" in sys.modules
    assert typstengine._fonts.cache_info().currsize == 1  # searched, and typst compiled

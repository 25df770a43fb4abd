"""Pictures: every form authors write reaches the real Anki client and the PDF, or is
reported at its place; hostile or broken picture files are refused, never fatal."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from builder.cli import main

from .ankimedia import assert_media_present
from .conftest import write
from .imagefiles import png, png_header_only

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "pictures"

SHOWN = {
    "Markdown pictures of every type": ["figs/red.png", "figs/photo.jpg", "figs/anim.gif",
                                        "figs/lossy.webp", "figs/vector.svg"],
    "Raw HTML picture": ["figs/raw.png"],
    "Pictures in a table": ["figs/in-table.png", "figs/photo.jpg"],
    "Pictures in a list": ["figs/in-list.png", "figs/anim.gif"],
    "Site-root paths": ["images/site.png", "images/site.png"],
    "Fragments and queries": ["figs/red.png", "figs/vector.svg", "figs/lossy.webp"],
    "Same name, two folders": ["chapter1/fig.png", "chapter2/fig.png"],
    "The figure beside chapter one": ["chapter1/fig.png"],
    "The figure beside chapter two": ["chapter2/fig.png"],
}
"""Each fixture question → the source files of the pictures it shows, in order."""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def build_fixture(tmp_path: Path, *args: str) -> Result:
    shutil.copytree(FIXTURE, tmp_path / "notes")
    result = run("notes", *args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def pdf_rasters(path: Path) -> set[tuple[int, int]]:
    """The pixel sizes of the raster pictures a PDF draws."""
    from pypdf import PdfReader

    sizes = set()
    for page in PdfReader(path).pages:
        for obj in (page.get("/Resources") or {}).get("/XObject", {}).values():
            xobject = obj.get_object()
            if xobject.get("/Subtype") == "/Image":
                sizes.add((int(xobject["/Width"]), int(xobject["/Height"])))
    return sizes


def pixel_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as picture:
        return picture.size


# -- every form reaches Anki and the PDF ---------------------------------------------------

def test_every_picture_form_reaches_the_real_anki_under_the_name_its_card_uses(
        tmp_path: Path) -> None:
    result = build_fixture(tmp_path, "--format", "apkg")
    assert not re.search(r"\[(image|remote)-[a-z]+\]", result.output), result.output
    shown = assert_media_present(tmp_path / "dist" / "Pictures.apkg")
    assert set(shown) == set(SHOWN)
    for question, sources in SHOWN.items():
        names = shown[question]
        assert len(names) == len(sources), (question, names)
        for name, source in zip(names, sources, strict=True):
            assert re.fullmatch(r"img-[\w-]+-[0-9a-f]{16}\.(png|jpg|gif|webp|svg)", name)
            assert name.rsplit(".", 1)[1] == source.rsplit(".", 1)[1]
    # One name per content: the two fig.png files stay two pictures, a repeat stays one.
    two = shown["Same name, two folders"]
    assert two[0] != two[1]
    assert shown["The figure beside chapter one"][0] == two[0]
    assert shown["The figure beside chapter two"][0] == two[1]


def test_the_packed_bytes_are_the_pictures_each_card_names(tmp_path: Path,
                                                           collection: Collection) -> None:
    from .conftest import imported_notes

    build_fixture(tmp_path, "--format", "apkg")
    notes = imported_notes(collection, tmp_path / "dist" / "Pictures.apkg")
    folder = Path(collection.media.dir())
    from .ankimedia import image_sources

    for note in notes:
        names = image_sources(note["Answer"])
        for name, source in zip(names, SHOWN[note["Question"]], strict=True):
            assert (folder / name).read_bytes() == (FIXTURE / source).read_bytes(), name


def test_the_pdf_draws_every_picture_the_cards_show_raw_img_included(tmp_path: Path) -> None:
    build_fixture(tmp_path, "--format", "pdf")
    rasters = {source for sources in SHOWN.values() for source in sources
               if not source.endswith(".svg")}
    expected = {pixel_size(FIXTURE / source) for source in rasters}
    assert len(expected) == len(rasters), "fixture pictures have distinct sizes"
    drawn = pdf_rasters(tmp_path / "dist" / "Pictures.pdf")
    assert pixel_size(FIXTURE / "figs/raw.png") in drawn  # only ever written as raw <img>
    assert drawn == expected


def test_raw_img_only_pictures_reach_the_pdf(tmp_path: Path) -> None:
    write(tmp_path / "n.md", "## S\n### Q\n<img src=\"a.png\">\n\ntext <img src='b.png'> end\n")
    (tmp_path / "a.png").write_bytes(png(5, 3))
    (tmp_path / "b.png").write_bytes(png(7, 2, (0, 0, 255)))
    result = run("n.md", "--format", "pdf")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    assert pdf_rasters(tmp_path / "dist" / "n.pdf") == {(5, 3), (7, 2)}


# -- diagnostics at the picture's own place ------------------------------------------------

def test_a_raw_img_is_reported_at_its_tag_not_at_the_question(tmp_path: Path) -> None:
    write(tmp_path / "n.md", (
        "## S\n"
        "### Question heading\n"
        "Intro text.\n"
        "\n"
        "<div>\n"
        "  <p>caption</p> <img src=\"gone-block.png\">\n"
        "</div>\n"
        "\n"
        "A line with <img src=\"gone-inline.png\"> inside.\n"
        "\n"
        "- item ![md](gone-md.png) and <img src=\"gone-list.png\">\n"
        "\n"
        "| a | b |\n| - | - |\n| x | <img src=\"gone-cell.png\"> |\n"))
    result = run("n.md", "--format", "apkg,pdf")
    assert result.exit_code == 0, result.output
    for place, src in [("6:18", "gone-block.png"), ("9:13", "gone-inline.png"),
                       ("11:8", "gone-md.png"), ("11:31", "gone-list.png"),
                       ("15:7", "gone-cell.png")]:
        assert f"n.md:{place}: warning: image not found: {src} [image-missing]" in result.output
    assert "n.md:2:" not in result.output


# -- site-root paths -----------------------------------------------------------------------

@pytest.mark.parametrize(("note", "picture", "src"), [
    ("content/posts/a.md", "static/images/x.png", "/images/x.png"),      # Hugo
    ("source/_posts/a.md", "source/images/x.png", "/images/x.png"),      # Hexo
    ("docs/a.md", "docs/.vuepress/public/x.png", "/x.png"),             # not a known layout
    ("blog/a.md", "blog/img/x.png", "/img/x.png"),                       # the note's own folder
    ("a.md", "images/x.png", "/images\\x.png"),                          # Windows separator
])
def test_site_root_paths_resolve_in_common_layouts_without_options(
        tmp_path: Path, note: str, picture: str, src: str) -> None:
    write(tmp_path / "site" / note, f"## S\n### Q\n![x]({src})\n")
    (tmp_path / "site" / picture).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "site" / picture).write_bytes(png(4, 4))
    result = run("site", "--format", "apkg")
    assert result.exit_code == 0, result.output
    if "vuepress" in picture:
        assert "image not found" in result.output and "--site-root" in result.output
        return
    assert "warning:" not in result.output, result.output
    (names,) = assert_media_present(tmp_path / "dist" / "a.apkg").values()
    assert len(names) == 1


def test_site_root_paths_never_leave_the_source_tree(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(png(text=b"SECRET"))
    write(tmp_path / "site" / "posts" / "a.md",
          "## S\n### Q\n![a](/../secret.png) ![b](/../../secret.png)\n")
    result = run("site", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert result.output.count("image outside the source tree refused") == 2
    with zipfile.ZipFile(tmp_path / "dist" / "a.apkg") as archive:
        assert not any(name.isdigit() for name in archive.namelist())


# -- hostile paths and files ---------------------------------------------------------------

@pytest.mark.parametrize(("line", "code"), [
    ("![x](a%00.png)", "image-path"),
    ("<img src=\"a%00.png\">", "image-missing"),
    ("<img src=\"\\\\server\\share\\x.png\">", "image-path"),
    ("<img src=\"//server/share/x.png\">", "remote-image"),
    ("![x](C:\\Users\\me\\Typora\\typora-user-images\\image.png)", "image-path"),
    # The sanitiser drops these src values before any lookup, and says so.
    ("<img src=\"C:/Users/me/x.png\">", "html-removed"),
    ("<img src=\"file:///etc/passwd\">", "html-removed"),
    ("![x](ftp://host/x.png)", "image-path"),
    ("![x](smb://host/share/x.png)", "image-path"),
    ("![x](data:image/png;base64,iVBORw0KGgo=)", "image-path"),
    ("<img src=\"HTTPS://example.com/x.png\">", "remote-image"),
    ("![x]()", "image-missing"),
    ("![x](" + "a/" * 3000 + "x.png)", "image-missing"),
])
def test_odd_picture_paths_are_diagnostics_never_tracebacks(tmp_path: Path, line: str,
                                                            code: str) -> None:
    write(tmp_path / "n.md", f"## S\n### Q\nbefore\n\n{line}\n")
    for command in (["n.md"], ["check", "n.md"]):
        result = run(*command)
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            result.output
        assert result.exit_code == 0, result.output
        assert re.search(rf"^n\.md:5:\d+: warning: .* \[{code}\]$", result.output, re.M), \
            result.output


def test_a_picture_claiming_40000_by_40000_pixels_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "bomb.png").write_bytes(png_header_only(40000, 40000))
    (tmp_path / "ok.png").write_bytes(png(6, 6))
    write(tmp_path / "n.md", "## S\n### Q\n![bomb](bomb.png)\n\n![ok](ok.png)\n")
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert ("n.md:3:1: warning: image of 40000×40000 pixels refused, over the 50-megapixel "
            "limit: bomb.png [image-size]") in result.output
    (names,) = assert_media_present(tmp_path / "dist" / "n.apkg").values()
    assert len(names) == 1 and names[0].startswith("img-ok-")
    assert pdf_rasters(tmp_path / "dist" / "n.pdf") == {(6, 6)}


def corrupt_png() -> bytes:
    """A PNG with a valid signature and header whose pixel data is garbage."""
    whole = png(9, 9)
    header_end = 8 + 25
    return whole[:header_end] + (13).to_bytes(4, "big") + b"IDAT" + b"\x13" * 13 + b"\0" * 4 \
        + whole[-12:]


@pytest.mark.parametrize("damage", ["corrupt", "truncated"])
def test_a_picture_typst_cannot_decode_is_left_out_and_the_pdf_still_builds(
        tmp_path: Path, damage: str) -> None:
    bad = corrupt_png() if damage == "corrupt" else png(9, 9)[:45]
    (tmp_path / "bad.png").write_bytes(bad)
    (tmp_path / "ok.png").write_bytes(png(6, 4))
    write(tmp_path / "n.md", "## S\n### Q\ntext\n\n![bad](bad.png)\n\n![ok](ok.png)\n"
                             "### Q2\n<img src=\"bad.png\" alt=\"again\">\n")
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert re.search(r"^n\.md:5:1: warning: image cannot be decoded, left out: bad\.png: .+ "
                     r"\[image-corrupt\]$", result.output, re.M), result.output
    assert re.search(r"^n\.md:9:1: warning: .*\[image-corrupt\]$", result.output, re.M)
    shown = assert_media_present(tmp_path / "dist" / "n.apkg")
    assert [n[:7] for n in shown["Q"]] == ["img-ok-"] and shown["Q2"] == []
    assert pdf_rasters(tmp_path / "dist" / "n.pdf") == {(6, 4)}


def test_a_picture_of_another_type_than_its_name_is_shown_under_its_true_type(
        tmp_path: Path) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (5, 7), (10, 20, 30)).save(buffer, format="JPEG")
    (tmp_path / "photo.png").write_bytes(buffer.getvalue())
    write(tmp_path / "n.md", "## S\n### Q\n![p](photo.png)\n")
    result = run("n.md")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    (names,) = assert_media_present(tmp_path / "dist" / "n.apkg").values()
    assert names[0].startswith("img-photo-") and names[0].endswith(".jpg")
    assert pdf_rasters(tmp_path / "dist" / "n.pdf") == {(5, 7)}


def test_a_picture_damaged_after_a_build_is_noticed_by_the_next(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(png(4, 4))
    write(tmp_path / "n.md", "## S\n### Q\n![a](a.png)\n")
    first = run("n.md", "--format", "apkg")
    assert first.exit_code == 0 and "warning:" not in first.output, first.output
    assert "none since the last build" in run("n.md", "--format", "apkg").output
    (tmp_path / "a.png").write_bytes(corrupt_png())
    again = run("n.md", "--format", "apkg")
    assert "n.md:3:1: warning: image cannot be decoded" in again.output, again.output
    assert assert_media_present(tmp_path / "dist" / "n.apkg") == {"Q": []}


def test_a_large_nominal_svg_size_is_no_reason_to_refuse_it(tmp_path: Path) -> None:
    (tmp_path / "wide.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                                       'width="20000" height="20000"><rect width="9" '
                                       'height="9"/></svg>', encoding="utf-8")
    write(tmp_path / "n.md", "## S\n### Q\n![w](wide.svg)\n")
    result = run("n.md")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    (names,) = assert_media_present(tmp_path / "dist" / "n.apkg").values()
    assert names[0].endswith(".svg")


def test_a_file_built_on_its_own_reaches_pictures_beside_its_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A repository keeps its pictures in pics/ and its notes in docs/4/: built from the
    # repository, one file at a time, the pictures are inside the tree.
    (tmp_path / "repo" / "pics").mkdir(parents=True)
    (tmp_path / "repo" / "pics" / "roc.png").write_bytes(png(9, 7))
    (tmp_path / "secret.png").write_bytes(png(5, 5))
    write(tmp_path / "repo" / "docs" / "4" / "eval.md",
          "## S\n### What is ROC?\n![roc](../../pics/roc.png)\n\n"
          "### And above the repository?\n![s](../../../secret.png)\n")
    monkeypatch.chdir(tmp_path / "repo")
    result = run("docs/4/eval.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert "image outside the source tree refused: ../../../secret.png" in result.output
    assert "../../pics/roc.png" not in result.output
    shown = assert_media_present(tmp_path / "repo" / "dist" / "eval.apkg")
    assert len(shown["What is ROC?"]) == 1, shown


def test_a_file_outside_the_working_folder_keeps_its_own_folder_as_its_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "roc.png").write_bytes(png(9, 7))
    write(tmp_path / "notes" / "eval.md", "## S\n### What is ROC?\n![roc](../pics/roc.png)\n")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = run(str(tmp_path / "notes" / "eval.md"), "--format", "apkg", "-o", "out")
    assert "image outside the source tree refused: ../pics/roc.png" in result.output


def test_absolute_paths_from_the_authors_computer_find_the_picture_in_the_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Typora writes where the picture was on the author's disk: 'F:/Projects/Book/docs/
    # imgs/p.png', '/Users/me/GitHub/repo/…'.  The repository holds the same files.
    repo = tmp_path / "repo"
    for name, size in (("docs/imgs/p.png", 3), ("docs/imgs/书.png", 4),
                       ("nlp/images/r.png", 5)):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(png(size, size))
    (tmp_path / "secret.png").write_bytes(png(6, 6))
    (repo / "p.png").write_bytes(png(7, 7))  # same name as the Desktop one, another picture
    write(repo / "docs" / "a.md",
          "## S\n### Windows?\n![w](F:/Projects/Book/docs/imgs/p.png)\n\n"
          "### Encoded?\n![e](F:/Projects/%E4%B9%A6/docs/imgs/%E4%B9%A6.png)\n\n"
          "### Backslashes?\n![b](D:\\notes\\repo\\docs\\imgs\\p.png)\n\n"
          "### Mac?\n![m](/Users/me/GitHub/repo/nlp/images/r.png)\n\n"
          "### Only a name?\n![n](/Users/me/Desktop/p.png)\n\n"
          "### Typora's own folder?\n![t](C:\\Users\\me\\typora-user-images\\image.png)\n\n"
          "### Above the tree?\n![s](/Users/me/../secret.png) ![s2](F:/x/../../secret.png)\n")
    monkeypatch.chdir(repo)
    result = run("docs/a.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    shown = assert_media_present(repo / "dist" / "a.apkg")
    assert [len(shown[q]) for q in ("Windows?", "Encoded?", "Backslashes?", "Mac?")] == [1] * 4
    assert shown["Windows?"] == shown["Backslashes?"] != shown["Encoded?"]
    # A file name alone is no evidence: a picture of that name elsewhere is not taken.
    assert "image not found: /Users/me/Desktop/p.png" in result.output
    assert "image not found: /Users/me/../secret.png" in result.output
    assert "absolute Windows path refused: C:\\Users\\me\\typora-user-images" in result.output
    assert "secret" not in "".join(name for names in shown.values() for name in names)
    assert result.output.count("warning:") == 4, result.output


@pytest.mark.broken_media("the package names a sound it does not hold, on purpose")
def test_the_shared_import_check_finds_every_file_anki_reads_a_note_as_naming(
        tmp_path: Path, collection: Collection) -> None:
    """``import_apkg`` (and so ``imported_notes``) asserts every file Anki itself reads a
    field as naming is in the media folder, not only ``<img src>``: tests rely on it
    instead of checking each note's media themselves."""
    import genanki

    from .conftest import import_apkg, imported_notes

    model = genanki.Model(1607392319, "Q&A", fields=[{"name": "Question"}, {"name": "Answer"}],
                          templates=[{"name": "Card", "qfmt": "{{Question}}",
                                      "afmt": "{{Answer}}"}])
    deck = genanki.Deck(2059400110, "Sounds")
    deck.add_note(genanki.Note(model=model, fields=["Which sound?", "[sound:gone.mp3]"]))
    genanki.Package(deck).write_to_file(tmp_path / "sounds.apkg")
    for importing in (import_apkg, imported_notes):
        with pytest.raises(AssertionError, match=re.escape("Which sound?: gone.mp3")):
            importing(collection, tmp_path / "sounds.apkg")

"""Formula and diagram images: fallback, cache reuse, and what reaches the real Anki client."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner, Result
from PIL import Image

from builder.cli import main
from builder.parse.document import parse_file
from builder.render.checkedfiles import INDEX_NAME

from .conftest import FIXTURES, import_apkg, imported_answer, imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection

SOURCE_MD = Path(__file__).parent.parent / "source_md"

NOTES = """## 公式
### 交叉熵
$L = -\\sum_i y_i \\log \\hat{y}_i$ 和 $\\sigma(x)$

$$
\\frac{\\partial L}{\\partial z} = \\hat{y} - y
$$
### 坏公式
好的 $a^2$，坏的 $\\frac{a$ 结束
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def images_in(col: Collection) -> list[str]:
    names: list[str] = []
    for nid in col.find_notes(""):
        for card in col.get_note(nid).cards():
            names += re.findall(r'<img[^>]* src="([^"]+)"', card.answer())
    return names


def test_broken_formula_warns_with_location_and_keeps_mathjax(tmp_path: Path,
                                                              collection: Collection) -> None:
    write(tmp_path / "n.md", NOTES)
    result = run("n.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert re.search(r"^n\.md:9:13: warning: formula kept as MathJax, no renderer could draw "
                     r"\$\\frac\{a\$: .*\[formula-render\]$", result.output, re.M), result.output
    assert "1 formula(s) kept as MathJax" in result.output
    import_apkg(collection, tmp_path / "dist" / "n.apkg")
    (nid,) = collection.find_notes('"Question:坏公式"')
    answer = collection.get_note(nid)["Answer"]
    assert "\\(\\frac{a\\)" in answer
    assert re.search(r'<img class="math" src="math-[0-9a-f]{20}\.png" alt="a\^2"', answer)
    strict = run("n.md", "--format", "apkg", "--strict", "--out", "strict")
    assert strict.exit_code == 1 and not list((tmp_path / "strict").glob("*.apkg"))


def test_every_math_token_is_an_image_that_resolves_in_anki(tmp_path: Path,
                                                            collection: Collection) -> None:
    shutil.copytree(SOURCE_MD, tmp_path / "notes", ignore=shutil.ignore_patterns("*.lock"))
    result = run("notes", "--format", "apkg")
    assert result.exit_code == 0, result.output
    (package,) = (tmp_path / "dist").glob("*.apkg")
    notes = imported_notes(collection, package)
    names = images_in(collection)
    media_dir = Path(collection.media.dir())
    assert names and all((media_dir / n).stat().st_size > 0 for n in names)
    assert {p.name for p in media_dir.iterdir()} == set(names), "no unused media"
    docs = [parse_file(p) for p in sorted((tmp_path / "notes").rglob("*.md"))]
    kept = [c for d in docs for c in d.cards if not c.is_empty]
    math_tokens = sum(len(c.formulas) for c in kept)
    html = "".join(note["Answer"] for note in notes)
    assert html.count('<img class="math"') == math_tokens
    diagrams = sum(len(c.diagrams) for c in kept)
    assert diagrams >= 1
    assert len(re.findall(r'<img src="diagram-[a-z-]+-[0-9a-f]{20}\.png"', html)) == diagrams


def test_second_build_draws_nothing_and_an_edit_redraws_only_that_formula(
        tmp_path: Path) -> None:
    source = write(tmp_path / "n.md", NOTES)
    first = run("n.md", "--format", "apkg")
    assert "images: 5 rendered, 0 from cache" in first.output
    cache = tmp_path / "dist" / ".cache"

    def images() -> dict[str, int]:
        # All but two records: the up-to-date one, which a forced build writes again, and
        # the checked-files one, which records a file only once it is two seconds old
        # (render/checkedfiles.py), so a later build may complete it.
        return {p.name: p.stat().st_mtime_ns for p in cache.iterdir()
                if not p.name.startswith("build-") and p.name != INDEX_NAME}

    before = images()
    again = run("n.md", "--format", "apkg", "--force")  # through the image cache
    assert "images: 0 rendered, 5 from cache" in again.output
    assert images() == before
    source.write_text(NOTES.replace("\\sigma(x)", "\\sigma(z)"), encoding="utf-8")
    edited = run("n.md", "--format", "apkg")
    assert "images: 1 rendered, 4 from cache" in edited.output
    # One new conversion record, PNG and metadata.
    assert len(set(images()) - set(before)) == 3


def test_the_same_tex_inline_and_displayed_is_two_pictures(tmp_path: Path,
                                                           collection: Collection) -> None:
    """Display math sets limits above and below: its picture is another one."""
    shutil.copy(FIXTURES / "math" / "inline-and-display.md", tmp_path / "n.md")
    result = run("n.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "n.apkg")
    pictures = _math_images(answer)
    assert [alt for _, alt in pictures] == ["\\sum_{i=1}^{n} x_i"] * 2, answer
    (inline, _), (display, _) = pictures
    assert inline != display
    media = Path(collection.media.dir())
    assert (media / inline).read_bytes() != (media / display).read_bytes()
    # Limits above and below: the displayed sum is drawn taller than the inline one.
    with Image.open(media / inline) as small, Image.open(media / display) as tall:
        assert tall.height > small.height


def _math_images(html: str) -> list[tuple[str, str]]:
    """(src, alt) of every formula picture in ``html``, in order."""
    found: list[tuple[str, str]] = []

    class Images(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            named = dict(attrs)
            if tag == "img" and "math" in (named.get("class") or "").split():
                found.append((named.get("src") or "", named.get("alt") or ""))

    Images().feed(html)
    return found


def test_mathjax_mode_draws_no_formulas(tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "n.md", NOTES)
    result = run("n.md", "--format", "apkg", "--math", "mathjax")
    assert result.exit_code == 0 and "rendered" not in result.output
    import_apkg(collection, tmp_path / "dist" / "n.apkg")
    assert images_in(collection) == []
    (nid,) = collection.find_notes('"Question:交叉熵"')
    assert "\\[\\frac{\\partial L}{\\partial z} = \\hat{y} - y\\]" in \
        collection.get_note(nid)["Answer"]


def _em(pattern: str, style: str) -> float:
    found = re.search(pattern, style)
    assert found, f"{pattern} not in {style}"
    return float(found.group(1))


def test_inline_formula_is_sized_in_em_and_baseline_aligned(tmp_path: Path,
                                                            collection: Collection) -> None:
    write(tmp_path / "n.md", "## S\n### Q\n文字 $x$ 和 $g$ 和 $\\frac{a}{b}$\n")
    assert run("n.md", "--format", "apkg").exit_code == 0
    import_apkg(collection, tmp_path / "dist" / "n.apkg")
    (nid,) = collection.find_notes("")
    answer = collection.get_note(nid).cards()[0].answer()
    styles = dict(re.findall(r'alt="([^"]+)" style="([^"]+)"', answer))
    depth = {tex: -_em(r"vertical-align:(-?[0-9.]+)em", style) for tex, style in styles.items()}
    height = {tex: _em(r"height:([0-9.]+)em", style) for tex, style in styles.items()}
    # A descender reaches below the baseline; a fraction sits on the math axis.
    assert depth["g"] > depth["x"] >= 0
    assert depth["\\frac{a}{b}"] > depth["g"]
    assert height["\\frac{a}{b}"] > 1.5 * height["x"]
    assert 0.3 < height["x"] < 1.0


def _rendered_files(folder: Path) -> list[str]:
    from builder.render.checkedfiles import INDEX_NAME

    return sorted(p.name for p in folder.iterdir() if p.name != INDEX_NAME)


def test_parallel_and_serial_rendering_give_identical_files(tmp_path: Path) -> None:
    from builder.render.assets import render_assets
    from builder.render.diagrams import validate

    text = "## S\n### Q\n" + "".join(f"$x_{{{i}}} + \\frac{{{i}}}{{y}}$ " for i in range(40)) + (
        "\n\n```diagram\ntype: pooling\nseed: 1\n```\n\n```diagram\ntype: loss-curves\n```\n"
        "\n```diagram\ntype: activation\nfunctions: [relu, gelu]\n```\n")
    source = write(tmp_path / "n.md", text)
    card = parse_file(source, "n.md", None, validate).cards[0]
    assert len(card.formulas) == 40 and len(card.diagrams) == 3
    serial = render_assets(card.formulas, card.diagrams, tmp_path / "serial", jobs=1)
    parallel = render_assets(card.formulas, card.diagrams, tmp_path / "parallel", jobs=2)
    assert serial.rendered == parallel.rendered == 43
    # The cache's record of checked files holds each file's inode and times, which differ
    # between any two folders; it is made only once files are two seconds old.
    files = _rendered_files(tmp_path / "serial")
    assert len(files) >= 43 and files == _rendered_files(tmp_path / "parallel")
    for name in files:
        assert (tmp_path / "serial" / name).read_bytes() == \
            (tmp_path / "parallel" / name).read_bytes(), name


def test_no_change_rebuild_does_not_typeset_the_pdf_again(tmp_path: Path) -> None:
    source = write(tmp_path / "n.md", NOTES)
    assert "wrote dist/n.pdf" in run("n.md").output
    pdf = tmp_path / "dist" / "n.pdf"
    before = pdf.stat().st_mtime_ns
    again = run("n.md", "--force")  # not skipped: the PDF's own memo finds it up to date
    assert "unchanged dist/n.pdf" in again.output and "images: 0 rendered" in again.output
    assert pdf.stat().st_mtime_ns == before
    pdf.write_bytes(b"damaged")  # a PDF that is not the one remembered is made again
    assert "wrote dist/n.pdf" in run("n.md").output
    source.write_text(NOTES.replace("交叉熵", "交叉熵损失"), encoding="utf-8")
    assert "wrote dist/n.pdf" in run("n.md").output
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_changed_local_image_typesets_the_pdf_again(tmp_path: Path) -> None:
    from .test_pdf import _tiny_png

    image = _tiny_png(tmp_path / "fig.png")
    write(tmp_path / "n.md", NOTES + "\n![图](fig.png)\n")
    assert "wrote dist/n.pdf" in run("n.md").output
    assert "unchanged dist/n.pdf" in run("n.md").output
    with image.open("ab") as more:  # same name, different bytes
        more.write(b"edited")
    # The PDF must not keep the old picture.
    assert "wrote dist/n.pdf" in run("n.md").output


def test_images_are_stored_as_they_are_and_anki_still_imports_them(
        tmp_path: Path, collection: Collection) -> None:
    import zipfile

    write(tmp_path / "n.md", NOTES)
    assert run("n.md", "--format", "apkg").exit_code == 0
    with zipfile.ZipFile(tmp_path / "dist" / "n.apkg") as archive:
        media = json.loads(archive.read("media"))
        kinds = {archive.getinfo(number).compress_type for number in media}
        assert kinds == {zipfile.ZIP_STORED}  # PNGs: deflating them again gains nothing
        assert archive.getinfo("collection.anki2").compress_type == zipfile.ZIP_DEFLATED
    import_apkg(collection, tmp_path / "dist" / "n.apkg")
    folder = Path(collection.media.dir())
    assert all((folder / name).read_bytes().startswith(b"\x89PNG") for name in media.values())

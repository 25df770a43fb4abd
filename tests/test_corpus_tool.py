"""bench/corpus.py measures what it claims (issue 15, part 6).

The metrics are checked against a build whose result is known exactly: a fake builder (written
here) writes a real .apkg with genanki holding chosen mistakes, and the tool imports it with the
real Anki. A second run with the real builder checks only what does not depend on how good the
builder is today: the source-side counts and that nothing crashes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import write
from tests.imagefiles import png

BENCH = Path(__file__).resolve().parent.parent / "bench"

SHAPES = """\
---
title: Shapes
---

[TOC]

## Geometry

### What is a grid?

A grid. ![grid](img/grid.png)

Area $x^2$ costs $5 到 $10 here.

Change $-5 到 $x$ today.

### Second?

Raw $ y_1 $ and

See ![chart](img/chart.png) below.

$$
\\frac{a}{b}
$$

A paragraph nobody shows.

A paragraph reported at its line.
"""

LOST = """\
# Bob

## Kept question?

Kept answer paragraph.

Dropped paragraph without a word.

Reported paragraph here.
"""

FAKE_BUILDER = """\
import shutil, sys
from pathlib import Path
import genanki

source = sys.argv[1]
out = Path("dist")
out.mkdir()
model = genanki.Model(1607392319, "QA", fields=[{"name": "Front"}, {"name": "Back"}],
                      templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{Back}}"}])
if source.endswith("shapes.md"):
    deck = genanki.Deck(2059400110, "Geometry")
    shutil.copy("img/grid.png", out / "grid-renamed.png")
    (out / "f1.png").write_bytes(b"not empty")
    deck.add_note(genanki.Note(model=model, fields=[
        "What is a grid?",
        'A grid. <img src="grid-renamed.png" alt="grid"> Area '
        '<img class="math" src="f1.png" alt="x^2"> costs $5 到 $10 here. Change $-5 到 '
        '<img class="math" src="f1.png" alt="x"> today.']))
    deck.add_note(genanki.Note(model=model, fields=[
        "Second?",
        'Raw $y_1$ and See [chart] below. \\\\[\\\\frac{a}{b}\\\\] <img src="gone.png"> '
        '<img class="math" src="f1.png" alt="分">']))
    package = genanki.Package(deck)
    package.media_files = [str(out / "grid-renamed.png"), str(out / "f1.png")]
    package.write_to_file(out / "shapes.apkg")
    print("shapes.md:29:1: warning: this paragraph is reported [demo]")
else:
    deck = genanki.Deck(2059400111, "Bob")
    deck.add_note(genanki.Note(model=model, fields=["Kept question?", "Kept answer paragraph."]))
    genanki.Package(deck).write_to_file(out / "lost.apkg")
    print("lost.md:9:1: warning: this paragraph is reported [demo]")
    print("Traceback (most recent call last):\\n  boom")
    sys.exit(1)
"""


def _corpus(root: Path) -> Path:
    corpus = root / "corpus"
    write(corpus / "alice__notes" / "shapes.md", SHAPES)
    (corpus / "alice__notes" / "img").mkdir()
    (corpus / "alice__notes" / "img" / "grid.png").write_bytes(png(1, 1, (128, 128, 128)))
    (corpus / "alice__notes" / "img" / "chart.png").write_bytes(png(1, 1, (64, 64, 64)))
    write(corpus / "bob__notes" / "lost.md", LOST)
    header = "repo\tcommit\tpath\trole\tsite_root\texpected_questions\tblob_sha\tnotes\tlocal\n"
    rows = ["alice/notes\t0\tshapes.md\tnotes\t\t2\t0\t\talice__notes/shapes.md\n",
            "alice/notes\t0\timg/grid.png\tpicture\t\t\t0\t\talice__notes/img/grid.png\n",
            "bob/notes\t0\tlost.md\tnotes\t\t3\t0\t\tbob__notes/lost.md\n"]
    (corpus / "MANIFEST.tsv").write_text(header + "".join(rows), encoding="utf-8")
    return corpus


def _measure(corpus: Path, *extra: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, str(BENCH / "corpus.py"), str(corpus), "--json", *extra],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


def test_metrics_on_a_build_with_known_mistakes(tmp_path: Path) -> None:
    fake = write(tmp_path / "fake_builder.py", FAKE_BUILDER)
    report = _measure(_corpus(tmp_path), "--builder", f"{sys.executable} {fake}")
    files = {f["file"]: f for f in report["files"]}  # type: ignore[attr-defined]
    shapes, lost = files["alice__notes/shapes.md"], files["bob__notes/lost.md"]

    assert (shapes["traceback"], lost["traceback"]) == (False, True)
    assert (shapes["exit_code"], lost["exit_code"]) == (0, 1)
    s, b = shapes["counts"], lost["counts"]
    # a. the card's renamed copy of grid.png is in Anki; gone.png is not
    assert (s["media_images"], s["media_missing"]) == (5, 1)
    assert s["media_examples"] == ["gone.png (alt '')"]
    assert (s["pictures_local"], s["pictures_shown"]) == (2, 1)
    # b. x^2 and x drawn; spaced y_1 left raw; the display formula left to MathJax; $5 到 $10
    # and $-5 到 are money, not formulas; the image of "分" matches no formula
    assert (s["formulas"], s["formulas_drawn"], s["formulas_raw"], s["formulas_mathjax"],
            s["formulas_absent"], s["formula_images_extra"]) == (4, 2, 1, 1, 0, 1)
    # c. front matter and [TOC] are not blocks; one paragraph lost, one reported; the chart
    # paragraph's words are on the card but its picture is not
    assert (s["blocks"], s["blocks_found"], s["blocks_reported"], s["blocks_lost"]) == (11, 8, 1, 2)
    assert s["lost_examples"] == ["lines 21-21 paragraph_open: See chart below.",
                                  "lines 27-27 paragraph_open: A paragraph nobody shows."]
    assert (b["blocks"], b["blocks_found"], b["blocks_reported"], b["blocks_lost"]) == (5, 3, 1, 1)
    # e. cards against the reader's count
    assert (s["cards"], b["cards"]) == (2, 1)

    totals = report["totals"]
    assert totals["tracebacks"] == 1  # type: ignore[index]
    assert totals["formulas_drawn_share"] == "50.0%"  # type: ignore[index]
    assert totals["blocks_accounted_share"] == "81.2%"  # type: ignore[index]
    assert totals["questions_share"] == "60.0%"  # type: ignore[index]
    assert totals["media_missing"] == 1  # type: ignore[index]


def test_real_builder_on_the_tiny_corpus(tmp_path: Path) -> None:
    report = _measure(_corpus(tmp_path))
    files = {f["file"]: f for f in report["files"]}  # type: ignore[attr-defined]
    shapes, lost = files["alice__notes/shapes.md"], files["bob__notes/lost.md"]
    assert not shapes["traceback"] and not lost["traceback"]
    # What the source holds does not depend on the builder.
    assert (shapes["counts"]["formulas"], shapes["counts"]["blocks"]) == (4, 11)
    assert shapes["counts"]["pictures_local"] == 2
    assert lost["counts"]["blocks"] == 5
    assert report["totals"]["expected_questions"] == 5  # type: ignore[index]
    # The tool builds in a scratch folder of its own that the suite's after-test media check
    # never sees: its own real-Anki import is the check that the picture reached Anki.
    assert shapes["counts"]["media_images"] > 0
    assert report["totals"]["media_missing"] == 0  # type: ignore[index]


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_staging_copies_bytes_and_checks_the_blob_hash(tmp_path: Path) -> None:
    repo = tmp_path / "mirror" / "alice+notes" / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    data = "\ufeff# 标题\r\n\r\n## Q?\r\n\r\nA.\r\n".encode()
    (repo / "dl.md").write_bytes(data)
    _git(repo, "add", "dl.md")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "notes")
    commit, blob = _git(repo, "rev-parse", "HEAD"), _git(repo, "rev-parse", "HEAD:dl.md")
    manifest = tmp_path / "manifest.tsv"
    header = "repo\tcommit\tpath\trole\tsite_root\texpected_questions\tblob_sha\tnotes\n"

    def stage(sha: str, path: str = "dl.md") -> subprocess.CompletedProcess[str]:
        manifest.write_text(header + f"alice/notes\t{commit}\t{path}\tnotes\t\t1\t{sha}\tx\n",
                            encoding="utf-8")
        return subprocess.run(
            [sys.executable, str(BENCH / "stage_corpus.py"), str(tmp_path / "mirror"),
             str(tmp_path / "corpus"), "--manifest", str(manifest)],
            capture_output=True, text=True, timeout=60, check=False)

    assert stage(blob).returncode == 0
    staged = tmp_path / "corpus" / "alice__notes" / "dl.md"
    assert staged.read_bytes() == data  # BOM and CRLF kept
    assert "alice__notes/dl.md" in (tmp_path / "corpus" / "MANIFEST.tsv").read_text("utf-8")
    staged.unlink()
    refused = stage("0" * 40)
    assert refused.returncode == 1 and "manifest says" in refused.stderr
    assert not staged.exists()
    outside = stage(blob, "../dl.md")
    assert outside.returncode == 1 and "leaves the corpus folder" in outside.stderr
    assert not (tmp_path / "corpus" / "dl.md").exists()


def test_a_path_from_the_authors_disk_names_the_picture_in_the_tree(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from corpus_metrics import local_picture
    finally:
        sys.path.remove(str(BENCH))
    picture = tmp_path / "docs" / "imgs" / "p.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(png(3, 3))
    (tmp_path / "p.png").write_bytes(png(4, 4))
    md = tmp_path / "docs" / "a.md"
    found = {src: local_picture(src, md, tmp_path, ".") for src in (
        "F:/Book/docs/imgs/p.png", "/Users/me/repo/docs/imgs/p.png", "imgs/p.png",
        "/Users/me/Desktop/p.png", "https://x.org/docs/imgs/p.png")}
    assert found == {"F:/Book/docs/imgs/p.png": picture,
                     "/Users/me/repo/docs/imgs/p.png": picture, "imgs/p.png": picture,
                     "/Users/me/Desktop/p.png": None, "https://x.org/docs/imgs/p.png": None}


def test_a_picture_shown_through_its_repository_address_is_the_trees(tmp_path: Path) -> None:
    """As the builder reads it (builder.render.repourls): the measure counts such a picture
    as a local one a card must show."""
    sys.path.insert(0, str(BENCH))
    try:
        from corpus_metrics import local_picture
    finally:
        sys.path.remove(str(BENCH))
    picture = tmp_path / "images" / "a b.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(png(3, 3))
    md = tmp_path / "docs" / "n.md"
    found = {src: local_picture(src, md, tmp_path, ".") for src in (
        "https://github.com/me/n/blob/master/images/a%20b.png",
        "https://raw.githubusercontent.com/me/n/main/images/a%20b.png?raw=true",
        "https://github.com/me/n/blob/master/images/gone.png",
        "https://github.com/me/n/blob/master/../../images/a%20b.png",
        "https://example.com/me/n/blob/master/images/a%20b.png")}
    assert found == {
        "https://github.com/me/n/blob/master/images/a%20b.png": picture,
        "https://raw.githubusercontent.com/me/n/main/images/a%20b.png?raw=true": picture,
        "https://github.com/me/n/blob/master/images/gone.png": None,
        "https://github.com/me/n/blob/master/../../images/a%20b.png": None,
        "https://example.com/me/n/blob/master/images/a%20b.png": None}


def test_the_measure_reads_every_formula_service_the_builder_draws() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from corpus_source import html_text, service_tex
    finally:
        sys.path.remove(str(BENCH))
    assert service_tex("https://g.yuque.com/gr/latex?f(z)%3Dz%0A#card=math") == "f(z)=z"
    assert service_tex("https://s0.wp.com/latex.php?latex=a+%2B+b&bg=ffffff") == "a + b"
    assert service_tex("https://g.yuque.com/gr/other?x") is None
    # A service picture's alt (often "img" or a broken copy) is no text a card must show.
    parsed = html_text('<img src="https://s0.wp.com/latex.php?latex=x" alt="junk"> '
                       '<img src="a.png" alt="kept">')
    assert "junk" not in parsed.parts and "kept" in parsed.parts


def test_the_measure_reads_a_files_own_tex_macros() -> None:
    """A build draws ``$\\R^n$`` under ``$$\\newcommand{\\R}{\\mathbb{R}}$$`` as
    ``\\mathbb{R}^n``: the measure matches the expanded TeX and counts the definitions,
    which show nothing, as drawn (bench/corpus_macros.py)."""
    sys.path.insert(0, str(BENCH))
    try:
        from corpus_deck import Deck
        from corpus_metrics import Counts, match_formulas
        from corpus_source import Formula
    finally:
        sys.path.remove(str(BENCH))
    formulas = [Formula(r"\newcommand{\R}{\mathbb{R}} \DeclareMathOperator*{\am}{arg\,max}"
                        r" \def\b{\boldsymbol} \def\d{\mathrm{d}}", True, 1),
                Formula(r"\R^n", False, 3), Formula(r"\am_x f", False, 4),
                Formula(r"\begin{matrix} \b{x} \end{matrix}", True, 5),
                Formula(r"\S", False, 6)]
    deck = Deck()
    deck.formula_tex.extend([r"\mathbb{R}^n", r"\operatorname*{arg\,max}_x f",
                             r"\begin{matrix} \boldsymbol{x} \end{matrix}"])
    counts = Counts()
    match_formulas(formulas, deck, counts)
    assert (counts.formulas, counts.formulas_drawn, counts.formulas_absent) == (5, 4, 1)
    assert counts.formula_examples == [r"line 6: absent: $\S$"]


def test_the_measure_reads_site_block_syntax_as_its_site_shows_it(tmp_path: Path) -> None:
    """A Hexo tag line shows nothing, a MkDocs tab or admonition head shows its title:
    a block is not "lost" for markup no reader ever saw (bench/corpus_source.py)."""
    texts = _measured_blocks(tmp_path, '{% note info %}\n定理内容。\n{% endnote %}\n\n'
                             '???+ note "引理"\n    正文。\n\n=== 标题\n')
    assert texts == ["定理内容。", "引理 正文。", "=== 标题"], texts


def test_the_measure_reads_a_callout_marker_as_obsidian_shows_it(tmp_path: Path) -> None:
    """An Obsidian callout or GitHub alert shows its title for its ``[!type]`` marker, its
    type when it has none (``[!success]- Code Output``, ``[!NOTE]``): a short callout of
    code output was "lost" for the word ``success`` no reader ever saw."""
    texts = _measured_blocks(tmp_path, "> [!success]- Code Output\n> Hello\n\n"
                             "> [!NOTE]\n> Read this.\n\nSee [!tip] here.\n")
    assert texts == ["Code Output Hello", "NOTE Read this.", "See [!tip] here."], texts


def test_the_measure_reads_a_colon_fence_line_as_the_box_shows_it(tmp_path: Path) -> None:
    """A ``:::`` line shows its title, if it writes one, else nothing: a Quarto answer box
    was "lost" for the ``::: {.callout-note …}`` syntax no reader ever saw."""
    texts = _measured_blocks(
        tmp_path, '::: {.callout-note collapse="true" title="Answer"}\nIt pools.\n:::\n\n'
        "::: {#fig-x}\nA figure.\n:::\n\n:::{admonition} Why?\nBecause.\n:::\n\n"
        "::: tip 提示\n内容\n:::\n\nText ::: not a fence.\n")
    assert texts == ["Answer It pools.", "A figure.", "Why? Because.", "提示 内容",
                     "Text ::: not a fence."], texts


def test_the_measure_reads_a_pictures_attribute_list_as_nothing(tmp_path: Path) -> None:
    """``![](a.png){width=600}`` shows the picture and no braces (Pandoc, Quarto, kramdown);
    braces that are no attribute list stay text."""
    texts = _measured_blocks(tmp_path, "See ![a](a.png){width=600} it.\n\n"
                             "![](a.png){: .center}\n\n![](a.png){see below}\n")
    assert texts == ["See a it.", "", "{see below}"], texts


def _measured_blocks(tmp_path: Path, text: str) -> list[str]:
    """The text the measure takes each top-level block of ``text`` to show, spaces joined."""
    sys.path.insert(0, str(BENCH))
    try:
        from corpus_source import read_source
    finally:
        sys.path.remove(str(BENCH))
    notes = write(tmp_path / "n.md", text)
    return [" ".join(block.text.split()) for block in read_source(notes).blocks]


def test_the_measure_reads_a_picture_path_with_spaces_as_typora_shows_it(tmp_path: Path
                                                                          ) -> None:
    """``![a](../image/DIN Base模型.png)`` is text to CommonMark, a picture to Typora (and
    to the builder): a block of one such picture was "lost" for its markup, the card
    showing the picture (xulongping's Typora notes: 19 such blocks)."""
    sys.path.insert(0, str(BENCH))
    try:
        from corpus_source import read_source
    finally:
        sys.path.remove(str(BENCH))
    notes = write(tmp_path / "n.md", "![DIN Base模型](../image/DIN Base模型.png)\n\n"
                  "![x](a b.txt) stays text\n")
    blocks = read_source(notes).blocks
    texts = [" ".join(b.text.split()) for b in blocks]
    assert texts == ["DIN Base模型", "![x](a b.txt) stays text"]
    assert [b.pictures for b in blocks] == [["../image/DIN Base模型.png"], []]


def test_the_spaced_picture_pattern_reads_bounded_paths() -> None:
    """Alt text, path and title are bounded: unbounded, the pattern backtracked over the
    rest of a long line from each '![' ('![a](' then 40,000 characters took seconds)."""
    sys.path.insert(0, str(BENCH))
    try:
        from corpus_source import PICTURE_PATH_MAX, SPACED_PICTURE
    finally:
        sys.path.remove(str(BENCH))
    assert PICTURE_PATH_MAX <= 1000
    fits = "d" * (PICTURE_PATH_MAX - 10)
    assert SPACED_PICTURE.search(f"![a](img/{fits} x.png)")
    assert SPACED_PICTURE.search(f'![{fits}](a b.png "{fits}")')
    too_long = "d" * (2 * PICTURE_PATH_MAX + 1)
    for text in (f"![a](img/{too_long} x.png)", f"![a](img/x {too_long}.png)",
                 f"![{too_long}](a b.png)", f'![a](a b.png "{too_long}")'):
        assert SPACED_PICTURE.search(text) is None

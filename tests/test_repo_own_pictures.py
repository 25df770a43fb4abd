"""Pictures a repository's notes show through their own address on a code host
(``github.com/…/blob/master/images/x.png``, ``raw.githubusercontent.com/…``): the file is
in the tree being built, so the card shows it from there (theainerd/MLInterview, hunt6);
one the tree does not hold, another site's, or a path that climbs out stays a remote
picture, reported."""

from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pypdf
import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.render.repourls import repository_paths

from .conftest import FIXTURES, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

SITE = FIXTURES / "repo-own-pictures"


def test_own_pictures_reach_anki(tmp_path: Path, collection: Collection) -> None:
    shutil.copytree(SITE, tmp_path / "notes")
    result = CliRunner().invoke(main, ["build", "notes", "--no-lock"])
    assert result.exit_code == 0, result.output
    remote = re.findall(r"README\.md:(\d+):\d+: warning: remote image not fetched: (\S+)",
                        result.output)
    assert remote == [
        ("27", "https://github.com/someone/ml-notes/blob/master/images/gone.png"),
        ("29", "https://example.com/images/pr.png"),
        ("31", "https://github.com/someone/ml-notes/blob/master/../../images/pr.png"),
    ], result.output
    (package,) = (tmp_path / "dist").glob("*.apkg")
    notes = imported_notes(collection, package)
    media = Path(collection.media.dir())
    expected = {
        "What does a ROC curve show?": ["roc chart.png"],
        "What is precision and recall?": ["pr.png", "pr.png"],
        "Which branch holds the figure?": ["pr.png"],
        "What is left remote?": [],
    }
    for note in notes:
        question = re.sub(r"<[^>]+>", "", note["Question"]).strip()
        names = re.findall(r'<img src="([^"]+)"', note["Answer"])
        shown = [(media / name).read_bytes() for name in names]
        assert shown == [(SITE / "images" / name).read_bytes()
                         for name in expected.pop(question)], (question, note["Answer"])
    assert not expected, expected
    # The sheet shows them too: both pictures (the PDF holds ``pr.png`` once, however often
    # it is shown); without the repository's copy it held none.
    (sheet,) = (tmp_path / "dist").glob("*.pdf")
    drawn = [image for page in pypdf.PdfReader(sheet).pages for image in page.images]
    assert len(drawn) == 2, drawn


def test_a_link_out_of_the_tree_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(SITE / "images" / "pr.png", outside / "secret.png")
    notes = tmp_path / "notes"
    (notes / "images").mkdir(parents=True)
    (notes / "images" / "secret.png").symlink_to(outside / "secret.png")
    (notes / "n.md").write_text(
        "# N\n\n## What is shown?\n\nNothing from outside:\n\n"
        "![](https://github.com/me/n/blob/main/images/secret.png)\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", "--no-lock"])
    assert result.exit_code == 0, result.output
    assert "n.md:7:1: warning: remote image not fetched: " \
        "https://github.com/me/n/blob/main/images/secret.png [remote-image]" in result.output
    (package,) = (tmp_path / "dist").glob("*.apkg")
    import zipfile
    with zipfile.ZipFile(package) as archive:
        packed = [archive.read(name) for name in archive.namelist()]
    assert (outside / "secret.png").read_bytes() not in packed


@pytest.mark.parametrize(("address", "paths"), [
    ("https://github.com/o/r/blob/master/images/a%20b.png", ["images/a b.png"]),
    ("https://github.com/o/r/blob/master/images/a.png?raw=true", ["images/a.png"]),
    ("https://github.com/o/r/raw/main/a.png", ["a.png"]),
    ("https://raw.githubusercontent.com/o/r/main/docs/img/a.png",
     ["docs/img/a.png", "img/a.png"]),
    ("https://gitee.com/o/r/raw/master/img/a.png", ["img/a.png"]),
    ("https://gitlab.com/o/r/-/raw/main/img/a.png", ["img/a.png"]),
    # A branch of several parts: each split, a name alone never past the first.
    ("https://github.com/o/r/blob/feature/x/img/a.png", ["x/img/a.png", "img/a.png"]),
    ("https://github.com/o/r/issues/3", []),
    ("https://github.com/o/r", []),
    ("https://example.com/o/r/blob/master/a.png", []),
    ("https://github.com/o/r/blob/master/../../etc/a.png", []),
    ("https://github.com/o/r/blob/master/..%2F..%2Fetc/a.png", []),
    ("https://github.com/o/r/blob/master/img/a%00.png", []),
    ("ftp://github.com/o/r/blob/master/a.png", []),
    ("images/a.png", []),
])
def test_repository_paths(address: str, paths: list[str]) -> None:
    assert repository_paths(address) == [PurePosixPath(p) for p in paths]


def test_another_repository_s_address_is_noted_and_a_long_name_is_no_crash(
        tmp_path: Path) -> None:
    """The tree is named after the repository its addresses name (a clone is): silent.
    Named otherwise, each picture shown from its copy gets a note, as it may be another
    picture at the same path (a picture bed's ``img/1.png``); a part too long for a file
    name is a remote picture, not a traceback."""
    own = tmp_path / "ml-notes"
    shutil.copytree(SITE, own)
    result = CliRunner().invoke(main, ["check", str(own)])
    assert result.exit_code == 0, result.output
    assert "shown from this folder's copy" not in result.output, result.output
    other = tmp_path / "my-notes"
    shutil.copytree(SITE, other)
    (other / "README.md").write_text(
        (other / "README.md").read_text(encoding="utf-8")
        + f"\n![x](https://github.com/me/notes/blob/main/{'a' * 300}/a.png)\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(other)])
    assert result.exit_code == 0, result.output
    noted = re.findall(r"README\.md:\d+:\d+: note: picture at (\S+) shown from this "
                       r"folder's copy (\S+): check it is the same picture \[remote-image\]",
                       result.output)
    assert ("https://raw.githubusercontent.com/someone/ml-notes/main/images/pr.png", "pr.png") \
        in noted, result.output
    assert result.output.count("shown from this folder's copy") == 4, result.output
    assert "remote image not fetched: https://github.com/me/notes/blob/main/aaaa" \
        in result.output

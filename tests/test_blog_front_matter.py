"""A blog post's front matter (Jekyll, Hexo, Hugo, GitBook, …): the site generator's keys
cost no warning (``-v`` names them), a misspelling of one of ours still gets "did you
mean", the post's ``title`` names the deck and ``tags: a b`` is two tags."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import FIXTURES, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_site_keys_are_quiet_and_typos_of_ours_are_not(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "blog-front-matter.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert result.output.count("[front-matter]") == 2, result.output
    assert ("n.md:4:14: note: front matter 'description' is the blog's, shown in no card and "
            "not in the cheat sheet: '面试前整理的 C++ 问题'; to keep it, write it in the notes "
            "[front-matter]") in result.output, result.output
    assert ("n.md:13:1: warning: unknown front matter key 'question_levle' (did you mean "
            "'question_level'?) [front-matter]") in result.output, result.output
    notes = imported_notes(collection, tmp_path / "dist" / "C++面经.apkg")
    assert len(notes) == 2
    assert all({"面试", "C++"} <= set(note.tags) for note in notes), [n.tags for n in notes]
    assert [d.name for d in collection.decks.all_names_and_ids()
            if d.name != "Default"] == ["C++面经"]


def test_verbose_names_the_site_keys(tmp_path: Path) -> None:
    result = build_fixture(FIXTURES / "blog-front-matter.md", "--format", "apkg", "-v")
    assert ("n.md: front matter keys of a site generator or editor, not read: layout, "
            "description, permalink, categories, date, author, comments, toc, mathjax"
            ) in result.output, result.output


def test_our_whole_build_setting_in_front_matter_is_still_said_to_be_ignored(
        tmp_path: Path) -> None:
    # ``math: true`` is a blog's MathJax switch; ``math: mathjax`` is our --math set in a
    # file, which a build does not read: the author must be told where it goes.
    from click.testing import CliRunner

    from builder.cli import main

    from .conftest import write

    body = "\n## 什么是 BN？\n\n批归一化。\n"
    write(tmp_path / "blog.md", "---\nmath: true\n---\n" + body)
    write(tmp_path / "ours.md", "---\nmath: mathjax\n---\n" + body)
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert "blog.md" not in result.output, result.output
    assert "ours.md:2:1: warning: 'math' is a setting of the whole build, not of one file" \
        in result.output, result.output


def test_prose_a_post_keeps_in_front_matter_is_named(tmp_path: Path) -> None:
    """A post's ``subtitle``/``excerpt``/``summary`` prose is shown by the blog only: a note
    names each (not ``summary: true``, a theme's switch), and the build still passes
    ``--strict`` (nothing is wrong with the notes)."""
    result = build_fixture(FIXTURES / "blog-prose-front-matter.md", "--format", "apkg",
                           "--strict")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if "[front-matter]" in line]
    assert notes == [
        "n.md:3:11: note: front matter 'subtitle' is the blog's, shown in no card and not "
        "in the cheat sheet: '从间隔到核函数'; to keep it, write it in the notes [front-matter]",
        "n.md:5:10: note: front matter 'excerpt' is the blog's, shown in no card and not in "
        "the cheat sheet: '本文介绍 SVM 的原理与推导， 以及核函数的选择。'; to keep it, write it "
        "in the notes [front-matter]"], result.output

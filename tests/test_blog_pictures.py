"""Pictures in blog posts: Jekyll's ``{{ site.baseurl }}/images/x.png`` (and the forms around
it) is a site-root path, found below the site's top; CSDN's unquoted
``<img src =/images/x.png#pic_center/>`` finds its file despite the fragment and the
slash the HTML parser takes into the value; a missing one is reported as the site path."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_blog_site_paths_reach_anki(tmp_path: Path, collection: Collection) -> None:
    shutil.copytree(FIXTURES / "blog-site", tmp_path / "site")
    result = CliRunner().invoke(main, ["site", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    post = "site/_posts/ml/2022-4-17-interview.md"
    assert result.output.count("[image-missing]") == 1, result.output
    assert (f"{post}:13:1: warning: image not found: {{{{ site.baseurl }}}}/images/interview/"
            "gone.png (read as the site path /images/interview/gone.png)") in result.output
    notes = imported_notes(collection, tmp_path / "dist" / "博客里的笔记.apkg")
    media = Path(collection.media.dir())
    expected = {
        "Jekyll 的站点路径": ["images/interview/map.png"],
        "带空格和过滤器的写法": ["images/interview/map.png"] * 2,
        "CSDN 的无引号写法": ["images/双线性插值.png"] * 2,
    }
    import re
    for note in notes:
        question = re.sub(r"<[^>]+>", "", note["Question"]).strip()
        if question not in expected:
            continue
        names = re.findall(r'<img src="([^"]+)"', note["Answer"])
        shown = [(media / name).read_bytes() for name in names]
        assert shown == [(FIXTURES / "blog-site" / path).read_bytes()
                         for path in expected.pop(question)], (question, note["Answer"])
    assert not expected, expected

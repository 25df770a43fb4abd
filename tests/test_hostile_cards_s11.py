"""Hostile notes in the forms s11 added, imported into the real Anki and shown in a real
headless Chromium: ``<details>`` boxes, Obsidian spaced-repetition cards (``?`` and
``::``), Hexo ``{% asset_img %}``, SVG and MathML tags, placeholder lines and blog front
matter.  Every payload sets ``window.__pwned`` or loads ``pwned.invalid``: none may run,
load, overlay the page or read outside the media folder, and each leaves a diagnostic."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import AnkiCard, imported_decks, launch_chromium, show
from .conftest import FIXTURES
from .inertcheck import DOM_DANGERS, INTERACT, sides_shown_inert

HOSTILE = FIXTURES / "hostile-cards-s11"
def _secret_picture() -> bytes:
    """A real picture (a packer would take it) beside the notes folder, which an
    ``asset_img ../../`` names."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (9, 9), (255, 0, 0)).save(out, "PNG")
    return out.getvalue()


SECRET = _secret_picture()

@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[list[AnkiCard], Path, str]]:
    """The hostile notes built, imported into one real Anki collection; the CLI's output."""
    root = tmp_path_factory.mktemp("hostile-s11")
    (root / "secret.png").write_bytes(SECRET)  # what hostile/../../secret.png names
    shutil.copytree(HOSTILE, root / "notes")
    with imported_decks(root, [root / "notes"], packages=1) as decks:
        yield decks.cards, decks.media, decks.output


def test_no_hostile_card_runs_loads_or_overlays_anything_in_a_browser(
        built: tuple[list[AnkiCard], Path, str], browser: Any, tmp_path: Path) -> None:
    cards, media, _output = built
    questions = re.sub(r"<[^>]*>", "", " | ".join(sorted(c.fields["Question"] for c in cards)))
    # Each form made its card: a box that asks, the spaced-repetition ones, the assets.
    for asked in ("What does [x] do?", "Can a body close the box early?", "What does [x] mean?",
                  "Is x safe?", "Why is bold unsafe?", "Which asset escapes?",
                  "What about placeholders?"):
        assert asked in questions, questions
    shown = sides_shown_inert(browser, cards, media, tmp_path)
    assert shown == 2 * len(cards) >= 16


def test_the_check_is_able_to_see_a_payload_that_runs(browser: Any, tmp_path: Path) -> None:
    """The browser checks themselves: an unsanitised side trips every one."""
    page = browser.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
    side = ('<img src="x" onerror="window.__pwned=1"><img src="https://pwned.invalid/y.png">'
            '<div style="position:fixed;top:0;left:0">cover</div>'
            '<details ontoggle="window.__pwned=2"><summary>s</summary></details>'
            '<b onmouseover="alert(3)">b</b>')
    show(page, side, tmp_path, tmp_path)
    page.evaluate(INTERACT)
    assert page.evaluate("window.__pwned") in (1, 2)
    found = page.evaluate(DOM_DANGERS)
    assert "onerror on <img>" in found and "position:fixed on <div>" in found
    assert "ontoggle on <details>" in found
    assert any("pwned.invalid" in u for u in requests)
    assert dialogs == ["3"]


def test_nothing_outside_the_notes_is_packed(built: tuple[list[AnkiCard], Path, str]) -> None:
    _cards, media, output = built
    secret = hashlib.sha256(SECRET).hexdigest()
    packed = {hashlib.sha256(p.read_bytes()).hexdigest() for p in media.iterdir()}
    assert secret not in packed
    assert len(packed) == 1  # the post's own ok.png, nothing else
    assert "image-outside" in output


# Each hostile line of the fixture (found by what it holds) and what its diagnostic names.
_EXPECTED = [
    ("excerpt: >-", "front-matter"),
    ('<details ontoggle="', "ontoggle= attribute on <details>"),
    # A summary's raw HTML and its tag's attributes are reported at the summary's line.
    ('<summary onclick="', "onclick= attribute on <summary>"),
    ('<summary onclick="', "onerror= attribute on <img>"),
    ("The body <script>", "<script> and its content"),
    ("The body <script>", 'href="javascript:…"'),
    ('<span style="position:fixed', "style 'position:fixed'"),
    ('<svg onload="', "<svg> tag"),
    ("<iframe src=", "<iframe> and its content"),
    ('A picture <img src="hostile/ok.png" onload', "onload= attribute on <img>"),
    ('A picture <img src="hostile/ok.png" onload', "style 'position:absolute' on <img>"),
    ("Text </details>", "onerror= attribute on <img>"),
    ("<script>window.__pwned=1</script>\n</div>", "<script> and its content"),
    ('<a href="jav&#x09;ascript', 'href="jav\\u0009ascript:…"'),
    ('<img src="java&#10;script', 'src="java\\u000ascript:…"'),
    ('<img src="java&#10;script', "remote-image"),
    ('<div style="background-image', "style 'background-image:url("),
    ("<summary><math><mtext>", "<style> and its content"),
    ("<svg><a xlink:href", "xlink:href= attribute on <a>"),
    ("<math><mi xlink:href", "<mi> tag"),
    ('What does <img src=x onerror="window.__pwned=1"> mean', "onerror= attribute on <img>"),
    ("<script>window.__pwned=1</script> an answer", "<animate> tag"),
    ("Why is <b onmouseover", "onmouseover= attribute on <b>"),
    ("Why is <b onmouseover", "<iframe> and its content"),
    ("Why is <b onmouseover", "onload= attribute on <img>"),
    ("- **Is <a href", 'href="javascript:…"'),
    ("- **Is <a href", "<style> and its content"),
    ("asset_img ../../secret.png", "image-outside"),
    ('asset_img "a\\" onerror', "image-missing"),
    ("asset_img javascript:", "image-missing"),
    ('{% folding <img src=x onerror=', "onerror= attribute on <img>"),
    ('<branch onclick="', "<branch> tag"),
    ("<script>window.__pwned=1</script>\n\nThe element", "<script> and its content"),
    ('<path d="M0" onclick=', "<path> tag"),
]


def _line_of(text: str, marker: str) -> int:
    """The 1-based line of ``marker``'s first line in ``text`` (it is found once)."""
    assert text.count(marker) == 1, marker
    return text[:text.index(marker)].count("\n") + 1


@pytest.mark.parametrize(("marker", "named"), _EXPECTED)
def test_each_hostile_construct_leaves_a_diagnostic_at_its_line(
        built: tuple[list[AnkiCard], Path, str], marker: str, named: str) -> None:
    _cards, _media, output = built
    text = (HOSTILE / "hostile.md").read_text(encoding="utf-8")
    line = _line_of(text, marker)
    at_line = [d for d in output.splitlines() if f"hostile.md:{line}:" in d]
    assert any(named in d for d in at_line), (line, at_line)


def test_every_line_holding_a_payload_is_diagnosed(
        built: tuple[list[AnkiCard], Path, str]) -> None:
    _cards, _media, output = built
    text = (HOSTILE / "hostile.md").read_text(encoding="utf-8")
    diagnosed = {int(m) for m in re.findall(r"hostile\.md:(\d+):", output)}
    payloads = {n for n, line in enumerate(text.splitlines(), 1)
                if "pwned" in line and not line.startswith(("title:", "  "))
                and "<b onclick" not in line  # an asset_img title: its alt, as text
                and "&lt;img" not in line  # written as entities: text
                and "lang:" not in line}  # a code tag's language: a word not read
    assert payloads - diagnosed == set()


def test_an_edit_beside_a_details_tag_s_handler_keeps_its_warning(tmp_path: Path) -> None:
    """A watching build parses only the questions an edit touched (``splice_source``):
    the warning for the box's own tags comes from the whole file's parse, so such a file
    is parsed whole, as it was at first."""
    from builder.build.sourceparse import parse_source, splice_source
    from builder.parse.options import ParseOptions

    options = ParseOptions()
    target = tmp_path / "notes.md"
    before = ("# T\n\n## A\n\n### Why first?\n\nBecause.\n\n### Why a box?\n\n"
              '<details ontoggle="window.__pwned=1">\n<summary>More</summary>\n\n'
              "Body {}.\n\n</details>\n\n### Why last?\n\nEnd.\n")
    target.write_text(before.format("one"), encoding="utf-8")
    first = parse_source(target, target.name, options)
    assert any("ontoggle=" in d.message for d in first.diagnostics)
    data = before.format("two").encode()
    target.write_bytes(data)
    spliced = splice_source(first, target, target.name, options, data, True)
    after = spliced[0] if spliced is not None else parse_source(target, target.name, options,
                                                                data)
    assert [d.loc.line for d in after.diagnostics if "ontoggle=" in d.message] == [11]

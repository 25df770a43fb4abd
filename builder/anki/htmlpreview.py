"""Notes → an HTML preview of a deck: one page, ``<deck>.html``, its media beside it.

Every card shows the very HTML and CSS Anki gets: the note type's templates filled in
with the note's fields (``builder.anki.cardtemplate``) under the note type's CSS.  The page
works offline from ``file://``: nothing on it asks the network for anything.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from string import Template
from urllib.parse import quote

from builder.anki.apkg import FIELDS, MAX_MEDIA_FILE_BYTES, NoteData
from builder.anki.cardtemplate import BACK, FRONT, HIDE_SOURCE_TAG, fill
from builder.anki.notefields import unpacked
from builder.support.atomic import TEMP_PREFIX, atomic_write_bytes
from builder.support.safefile import read_packed

MEDIA_SUFFIX = "_media"
"""``<deck>.html`` reads its pictures from the folder ``<deck>_media`` beside it."""

_PAGE = Template("""<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="build-deck">
<title>$title</title>
<link rel="icon" href="data:,">
<base href="$media">
<style>
$card_css
</style>
<style>
$page_css
</style>
</head>
<body class="bd-preview">
<header class="bd-bar">
<h1>$title</h1>
<input type="search" id="bd-search" placeholder="Search" aria-label="Search the cards">
<button type="button" id="bd-sides" aria-pressed="false">Show answers</button>
<label><input type="checkbox" id="bd-night"> Night</label>
<span id="bd-count" aria-live="polite">$count</span>
</header>
<nav class="bd-nav" aria-label="Sections">
$nav
</nav>
<main>
$groups
</main>
<script>
$script
</script>
</body>
</html>
""")

# Card sides take the card's own look (``.card``); the page around them stays plain.
_PAGE_CSS = """
[hidden] { display: none !important; }
body.bd-preview { margin: 0; background: #eef0f3; color: #1d1d1f;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; }
body.bd-preview.nightMode { background: #111214; color: #ddd; }
.bd-bar { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 0.5em;
  align-items: center; padding: 0.5em 1em; background: inherit;
  border-bottom: 1px solid rgba(127, 127, 127, 0.35); }
.bd-bar h1 { font-size: 1.1em; margin: 0 auto 0 0; overflow-wrap: anywhere; }
.bd-bar input[type=search] { flex: 1 1 10em; min-width: 0; max-width: 20em; font: inherit; }
.bd-nav { display: flex; flex-wrap: wrap; gap: 0.3em; padding: 0.6em 1em; }
.bd-nav button, .bd-bar button, .bd-flip { font: inherit; cursor: pointer; }
.bd-nav button { font-size: 0.85em; }
main { max-width: 48em; margin: 0 auto; padding: 0 0.5em 4em; }
.bd-group { scroll-margin-top: 5em; }  /* below the sticky bar */
.bd-group > h2 { font-size: 1em; margin: 1.4em 0.3em 0.4em; color: #777; }
.bd-item { margin: 0.8em 0; border-radius: 8px; overflow: hidden;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.25); }
.bd-item > .card { padding: 0.8em 1em 1em; }
.bd-meta { display: flex; gap: 1em; justify-content: space-between; align-items: center;
  font-size: 12px; padding: 0.3em 1em; background: rgba(127, 127, 127, 0.14);
  overflow-wrap: anywhere; }
.bd-item .bd-back, .bd-backs .bd-item .bd-front, .bd-item.bd-flipped .bd-front,
.bd-backs .bd-item.bd-flipped .bd-back { display: none; }
.bd-backs .bd-item .bd-back, .bd-item.bd-flipped .bd-back,
.bd-backs .bd-item.bd-flipped .bd-front { display: block; }
"""

_SCRIPT = """(function () {
  var body = document.body;
  var items = Array.prototype.slice.call(document.querySelectorAll('.bd-item'));
  var texts = items.map(function (item) { return item.textContent.toLowerCase(); });
  var search = document.getElementById('bd-search');
  var count = document.getElementById('bd-count');
  function filter() {
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item, i) {
      var hit = words.every(function (word) { return texts[i].indexOf(word) >= 0; });
      item.hidden = !hit;
      if (hit) { shown += 1; }
    });
    document.querySelectorAll('.bd-group').forEach(function (group) {
      group.hidden = !group.querySelector('.bd-item:not([hidden])');
    });
    count.textContent = shown + ' / ' + items.length + ' cards';
  }
  search.addEventListener('input', filter);
  var sides = document.getElementById('bd-sides');
  sides.addEventListener('click', function () {
    var backs = body.classList.toggle('bd-backs');
    sides.setAttribute('aria-pressed', String(backs));
    sides.textContent = backs ? 'Show questions' : 'Show answers';
    items.forEach(function (item) { item.classList.remove('bd-flipped'); });
  });
  document.addEventListener('click', function (event) {
    var flip = event.target.closest('.bd-flip');
    if (flip) { flip.closest('.bd-item').classList.toggle('bd-flipped'); }
    var go = event.target.closest('[data-go]');
    if (go) { document.getElementById(go.getAttribute('data-go')).scrollIntoView(); }
  });
  var night = document.getElementById('bd-night');
  night.addEventListener('change', function () {
    body.classList.toggle('nightMode', night.checked);
    body.classList.toggle('night_mode', night.checked);
  });
})();"""


def write_preview(target: Path, deck: str, notes: Sequence[NoteData],
                  media: Mapping[str, Path], css: str) -> Path:
    """Write ``target`` (the page) and its media folder; return ``target``.

    The media come first and the page last, each file whole (``builder.support.atomic``): a
    failed build leaves the last page working.  Files the new page does not use are
    then removed from the folder.
    """
    folder = media_folder(target)
    if folder.is_symlink():
        # The folder is swept below: a link shipped in a cloned repository's dist/
        # would have every file where it points deleted.  The link goes, not its target.
        folder.unlink()
    for name, path in media.items():
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"media name {name!r} is not a plain file name")
        # Checked when the cards were made; read as what it is now, within bounds, as the
        # .apkg reads it (a picture swapped for a FIFO would block a plain read).
        data = read_packed(path, MAX_MEDIA_FILE_BYTES, name)
        copy = folder / name
        if copy.is_symlink() or not (copy.is_file() and copy.read_bytes() == data):
            atomic_write_bytes(copy, data)
    page = preview_page(deck, notes, css, quote(folder.name) + "/")
    atomic_write_bytes(target, page.encode("utf-8"))
    if folder.is_dir():
        for old in folder.iterdir():
            stale = old.name not in media and not old.name.startswith(TEMP_PREFIX)
            if stale and (old.is_symlink() or not old.is_dir()):
                old.unlink()
    return target


def media_folder(page: Path) -> Path:
    """The folder ``page`` reads its pictures and formulas from."""
    return page.with_name(page.stem + MEDIA_SUFFIX)


def with_media(outputs: Iterable[Path]) -> list[Path]:
    """``outputs`` and the files of each preview page's media folder: the page is broken
    without them, so they are outputs as much as the page (the up-to-date record)."""
    found = []
    for output in outputs:
        found.append(output)
        folder = media_folder(output)
        if output.suffix == ".html" and folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.is_file())
    return found


def preview_page(deck: str, notes: Sequence[NoteData], css: str, media_href: str) -> str:
    """Return the page: the cards grouped by section, in the notes' order."""
    # Imported here, as in ``_card``: a build up to date imports this module for
    # ``with_media``, and needs no card HTML.
    from builder.anki.html import field_text

    groups: list[tuple[str, list[NoteData]]] = []
    for note in notes:
        section = field_text(unpacked(note.fields)[FIELDS.index("Section")])
        if not groups or groups[-1][0] != section:
            groups.append((section, []))
        groups[-1][1].append(note)
    nav, bodies = [], []
    for number, (section, members) in enumerate(groups, 1):
        title = html.escape(section or deck)
        nav.append(f'<button type="button" data-go="s{number}">{title} '
                   f"<small>({len(members)})</small></button>")
        cards = "\n".join(_card(note) for note in members)
        bodies.append(f'<section class="bd-group" id="s{number}">\n<h2>{title}</h2>\n'
                      f"{cards}\n</section>")
    return _PAGE.substitute(
        title=html.escape(deck), media=html.escape(media_href), card_css=_in_style(css),
        page_css=_PAGE_CSS, count=f"{len(notes)} cards", nav="\n".join(nav),
        groups="\n".join(bodies), script=_SCRIPT)


def _card(note: NoteData) -> str:
    """One card: where it comes from, then each side as Anki fills it in."""
    from builder.anki.html import field_text

    fields = dict(zip(FIELDS, unpacked(note.fields), strict=True))
    front = fill(FRONT, fields)
    back = fill(BACK, fields, tags=" ".join(note.tags), front=front)
    # The bar follows the card: a note that hides its source line hides it here too.
    shown = HIDE_SOURCE_TAG not in note.tags
    source = html.escape(field_text(fields["Source"])) if shown else ""
    return (f'<article class="bd-item">\n<div class="bd-meta"><span class="bd-where">{source}'
            '</span><button type="button" class="bd-flip">Flip</button></div>\n'
            f'<div class="card card1 bd-front">{front}</div>\n'
            f'<div class="card card1 bd-back">{back}</div>\n</article>')


def _in_style(css: str) -> str:
    # Only "</style" could end the element early; no CSS of ours has it, and none may.
    if "</style" in css.lower():
        raise ValueError("card CSS holds '</style'")
    return css

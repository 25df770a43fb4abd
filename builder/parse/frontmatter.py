"""Front matter: the per-file settings at the top of the notes, read and checked.

Each setting is checked on its own: a bad one is reported at its line and left out, the
others still apply.  The settings a file may set for itself are those of
``builder.support.settings`` marked per file (written with ``_``: ``section_level``), checked as
the same settings are in pyproject.toml, plus the file's deck, title and tags.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from markdown_it.token import Token

from builder.model import Diagnostic, SourceLoc, one_line
from builder.parse.language import normalise as normalise_language
from builder.parse.questiontext import invisible_in_name, shown_question_text
from builder.parse.taglines import MAX_CARD_TAGS, MAX_TAG_CHARS
from builder.support.settings import SETTINGS, Setting, SettingError, code_problem, did_you_mean
from builder.support.yamlload import (
    Place,
    Repeated,
    YAMLError,
    YamlRefused,
    error_place,
    load_yaml_with_places,
    repeats_after,
)

_log = logging.getLogger(__name__)

_PER_FILE: dict[str, Setting] = {s.front_matter_key: s for s in SETTINGS.values()
                                 if s.per_file}
_WHOLE_BUILD = {s.front_matter_key: s for s in SETTINGS.values() if not s.per_file}

FRONT_MATTER_KEYS = {"deck", "title", "tags", "lang", *_PER_FILE}
"""The settings front matter may hold."""
UNUSED_SETTINGS = "the file's settings (deck, tags, lang…) are not used"
"""Said of front matter that cannot be read: none of its settings are taken (a size error,
"more than 10,000 keys", read as if the first 10,000 were kept)."""

SITE_KEYS = frozenset({
    # Jekyll, Hexo, Hugo, Hugo/Jekyll themes
    "layout", "description", "permalink", "categories", "category", "date", "author",
    "authors", "comments", "toc", "mathjax", "math", "katex", "mermaid", "excerpt",
    "published", "draft", "slug", "keywords", "summary", "cover", "image", "thumbnail",
    "banner", "subtitle", "header-img", "header_img", "catalog", "lastmod", "updated",
    "last_modified_at", "aliases", "redirect_from", "series", "weight", "top", "sticky",
    "pin", "copyright", "share", "abbrlink", "index_img", "banner_img", "photos", "hidden",
    "disqus", "featured", "feature", "type", "url", "menu", "showtoc", "tocopen",
    # GitBook, VuePress, Docusaurus, MkDocs, Just the Docs
    "sidebar", "sidebardepth", "sidebar_position", "sidebar_label", "nav_order",
    "parent", "has_children", "grand_parent", "nav_exclude", "prev", "next", "editlink",
    "lastupdated", "pageclass", "navbar", "footer", "home", "search", "hide", "icon",
    "order", "template", "id", "status", "robots", "noindex", "canonical_url",
    "headerdepth", "locale",
    # Typora
    "typora-copy-images-to", "typora-root-url",
})
"""Front matter keys of static-site generators and editors (case folded): not ours, read by
the tool the notes are also published with, so no warning (``-v`` names them)."""

PROSE_KEYS = frozenset({"description", "summary", "excerpt", "subtitle"})
"""Site keys whose value is prose the author wrote (a post's summary): shown by the blog,
by no card or page here, so each is named in a note rather than dropped unsaid."""


def front_matter(tokens: list[Token], path: str) -> dict[str, object]:
    """Return the file's front matter settings that are valid (problems left unsaid)."""
    return read_front_matter(tokens, path)[0]


def read_front_matter(tokens: list[Token], path: str
                      ) -> tuple[dict[str, object], list[Diagnostic]]:
    """Return the file's valid front matter settings, and a diagnostic for each other."""
    if not tokens or tokens[0].type != "front_matter":
        return {}, []
    diagnostics: list[Diagnostic] = []
    loc = SourceLoc(path, 1)
    # The YAML starts on the line after the opening ``---``.
    first = (tokens[0].map[0] if tokens[0].map else 0) + 2
    try:
        data, places, repeated = load_yaml_with_places(tokens[0].content)
    except YAMLError as exc:
        mark = error_place(exc)
        if mark is not None:
            loc = SourceLoc(path, mark[0] + first, mark[1] + 1)
        detail = f": {exc}" if isinstance(exc, YamlRefused) else ""
        diagnostics.append(Diagnostic(loc, "error", f"front matter is not valid YAML{detail}; "
                                      f"{UNUSED_SETTINGS}", "front-matter"))
        return {}, diagnostics
    diagnostics += _repeated_keys(repeated, path, first)
    if data is None:
        return {}, diagnostics
    if not isinstance(data, dict):
        diagnostics.append(Diagnostic(loc, "error", "front matter must be a YAML mapping",
                                      "front-matter"))
        return {}, diagnostics

    def at(spot: tuple[int, int] | None) -> SourceLoc:
        return loc if spot is None else SourceLoc(path, spot[0] + first, spot[1] + 1)

    checked: dict[str, object] = {}
    # Keys of other tools (a blog's ``layout``, ``date``, ``categories``): one warning for
    # them all, at the first, rather than a line each.
    foreign = [str(k) for k, value in data.items() if _is_site_key(str(k), value)]
    if foreign:
        _log.info("%s: front matter keys of a site generator or editor, not read: %s",
                  path, ", ".join(one_line(k)[:40] for k in foreign))
    diagnostics += [_prose_note(key, data[key], places.get(key), at) for key in foreign
                    if key.casefold() in PROSE_KEYS and _is_prose(data[key])]
    others = [str(k) for k in data if str(k) not in foreign and _is_other_tools(str(k))]
    skipped = {*foreign, *others}
    if others:
        place = places.get(others[0])
        diagnostics.append(Diagnostic(at(None if place is None else place.key), "warning",
                                      _others_message(others), "front-matter"))
    for key, value in data.items():
        if str(key) in skipped:
            continue
        place = places.get(str(key))
        problem = _front_matter_problem(str(key), value)
        if problem:
            spot = None if place is None else (
                place.key if str(key) not in FRONT_MATTER_KEYS else place.value)
            diagnostics.append(Diagnostic(at(spot), "warning", problem, "front-matter"))
            continue
        checked[str(key)] = _normalised(str(key), value)
        diagnostics += _name_warnings(str(key), value, at(None if place is None else place.value))
        if key == "ignore":
            diagnostics.extend(_unknown_codes(value, place, at))
    return checked, diagnostics


def _name_warnings(key: str, value: object, loc: SourceLoc) -> list[Diagnostic]:
    """A warning if the deck or a tag holds what ``builder.anki.html.inert_name`` drops, or
    the deck an empty level (``_normalised`` leaves it out)."""
    if key not in ("deck", "tags"):
        return []
    found = invisible_in_name(loc, *strings(value), "deck and tag" if key == "deck" else "tag")
    if key == "deck" and _empty_levels(str(value)):
        found.append(Diagnostic(loc, "warning", _empty_levels_message(str(value)),
                                "front-matter"))
    return found


def _repeated_keys(repeated: list[Repeated], path: str, first: int) -> list[Diagnostic]:
    """A warning at each key written a second time in one mapping (``first``: the file's
    line of the YAML's first)."""
    return [Diagnostic(
        SourceLoc(path, again.place[0] + first, again.place[1] + 1), "warning",
        f"front matter key '{one_line(again.key)[:40]}' is written again here (first on "
        f"line {again.first[0] + first}): only this value is read{repeats_after(again)}",
        "front-matter")
        for again in repeated]


def _is_prose(value: object) -> bool:
    return isinstance(value, str) and any(c.isalpha() for c in value)


def _prose_note(key: str, value: object, place: Place | None,
                at: Callable[[tuple[int, int] | None], SourceLoc]) -> Diagnostic:
    text = " ".join(str(value).split())
    shown = text if len(text) <= 60 else text[:59] + "…"
    return Diagnostic(
        at(None if place is None else place.value), "note",
        f"front matter '{one_line(key)[:40]}' is the blog's, shown in no card and not in "
        f"the cheat sheet: '{one_line(shown)}'; to keep it, write it in the notes",
        "front-matter")


def _others_message(others: list[str]) -> str:
    named = ", ".join(f"'{one_line(k)[:40]}'" for k in others[:10])
    more = f" and {len(others) - 10} more" if len(others) > 10 else ""
    return (f"unknown front matter key{'s' if len(others) > 1 else ''} {named}{more} "
            f"(known: {', '.join(sorted(FRONT_MATTER_KEYS))})")


def _front_matter_problem(key: str, value: object) -> str | None:
    if key not in FRONT_MATTER_KEYS:
        return _unknown_key(key)
    if key in ("deck", "title") and not (isinstance(value, str) and value.strip()):
        return f"front matter '{key}' must be a non-empty string"
    if key == "lang" and normalise_language(value) is None:
        return "front matter 'lang' must be zh, en or auto (the default: guessed from the text)"
    setting = _PER_FILE.get(key)
    if setting is not None:
        try:
            setting.check(value)
        except SettingError as exc:
            return f"front matter '{key}' {exc}"
    if key == "tags" and not (
        isinstance(value, str)
        or (isinstance(value, list) and all(isinstance(t, str) for t in value))
    ):
        return f"front matter '{key}' must be a string or a list of strings"
    if key == "tags" and (len(names := tag_names(value)) > MAX_CARD_TAGS
                          or any(len(name) > MAX_TAG_CHARS for name in names)):
        return (f"front matter 'tags' may name {MAX_CARD_TAGS} tags of at most "
                f"{MAX_TAG_CHARS} characters each (each card carries them all)")
    return None


def _is_site_key(key: str, value: object) -> bool:
    """A site generator's key, not read here.  ``math`` is one only as a blog's switch
    (``math: true``): ``math: mathjax`` is our whole-build setting put in a file."""
    folded = key.casefold()
    if folded not in SITE_KEYS:
        return False
    return folded.replace("-", "_") not in _WHOLE_BUILD or isinstance(value, bool)


def _is_other_tools(key: str) -> bool:
    """An unknown key that is no misspelling of ours and no whole-build setting."""
    spelled = key.replace("-", "_")
    return (spelled not in FRONT_MATTER_KEYS and spelled not in _WHOLE_BUILD
            and not did_you_mean(key, FRONT_MATTER_KEYS))


def _unknown_key(key: str) -> str:
    spelled = key.replace("-", "_")
    whole = _WHOLE_BUILD.get(spelled)
    if whole is not None:
        return (f"'{key}' is a setting of the whole build, not of one file: set "
                f"'{whole.name}' in the [tool.build-deck] table of pyproject.toml, or "
                f"--{whole.name} on the command line")
    hint = f" (did you mean '{spelled}'?)" if spelled in FRONT_MATTER_KEYS else \
        did_you_mean(key, FRONT_MATTER_KEYS)
    return f"unknown front matter key '{key}'{hint}"


def _empty_levels(deck: str) -> bool:
    return not all(map(_shown, deck.split("::")))


def _shown(level: str) -> bool:
    """Whether a deck level shows anything: one of zero-width characters alone is empty
    once Anki's name leaves them out (``builder.anki.html.inert_name``)."""
    return bool(shown_question_text(level).strip())


def _without_empty_levels(deck: str) -> str:
    """``deck`` without its empty levels, which Anki names "blank" (``::`` would file the
    cards under blank::blank); nothing left: the title or the file names the deck."""
    return "::".join(level for level in deck.split("::") if _shown(level))


def _empty_levels_message(deck: str) -> str:
    mended = _without_empty_levels(deck)
    # one_line has escaped what does not show; a repr would escape its backslash again.
    said = f"front matter 'deck' '{one_line(deck)[:80]}' has"
    if not mended:
        return (f"{said} only empty levels between '::' (Anki would name them 'blank'): "
                "left out, the deck is named by the title or the file")
    return (f"{said} an empty level between '::' (Anki would name it 'blank'): read as "
            f"'{one_line(mended)[:80]}'")


def _normalised(key: str, value: object) -> object:
    """A per-file setting as the build reads it (``Bold`` → ``bold``), the deck without
    empty levels; others as written."""
    if key == "deck":
        return _without_empty_levels(str(value))
    setting = _PER_FILE.get(key)
    if setting is None or key == "ignore":
        return value
    return setting.check(value)


def _unknown_codes(value: object, place: Place | None,
                   at: Callable[[tuple[int, int] | None], SourceLoc]) -> list[Diagnostic]:
    codes = strings(value)
    found = []
    for index, code in enumerate(codes):
        problem = code_problem(code)
        if problem is None:
            continue
        spot = None
        if place is not None:
            spot = place.items[index] if index < len(place.items) else place.value
        found.append(Diagnostic(at(spot), "warning", problem, "front-matter"))
    return found


def tag_names(value: object) -> tuple[str, ...]:
    """The ``tags`` of front matter: a list, or one string of tags apart by spaces, as
    Jekyll and Anki's own tag box read it (``tags: 面试 C++`` is two tags)."""
    if isinstance(value, str):
        return tuple(value.split())
    return strings(value)


def strings(value: object) -> tuple[str, ...]:
    """Read a front matter value that is one string or a list of them."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()

"""Code blocks as card HTML, highlighted by Pygments, and the highlight's style sheet."""

from __future__ import annotations

import html
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.util import ClassNotFound

from builder.parse.limits import MAX_CARD_HIGHLIGHTED_BLOCK

if TYPE_CHECKING:
    from pygments.lexer import Lexer


@cache
def _formatter() -> HtmlFormatter[str]:
    return HtmlFormatter(cssclass="highlight", wrapcode=True)


@cache
def _lexer(lang: str) -> Lexer | None:
    # Looking a name up scans Pygments' whole lexer table and builds a new lexer: a tenth
    # of a millisecond each time, more than highlighting a short block.  A lexer keeps no
    # state between ``highlight`` calls, so one per language serves every block.  Its
    # table is loaded here, for the first code block (~4 ms of CPU): most builds after an
    # edit have none to highlight.
    from pygments.lexers import get_lexer_by_name

    try:
        return get_lexer_by_name(lang) if lang else None
    except ClassNotFound:
        return None


def code_html(code: str, lang: str) -> str:
    """Return a highlighted code block (plain when the language is unknown or the block
    is longer than ``MAX_CARD_HIGHLIGHTED_BLOCK``)."""
    return _highlighted(code, lang)


@lru_cache(maxsize=4096)
def _highlighted(code: str, lang: str) -> str:
    # Remembered by content: a watching build renders the same blocks after every save.
    lexer = _lexer(lang) if len(code) <= MAX_CARD_HIGHLIGHTED_BLOCK else None
    if lexer is None:
        return f'<div class="highlight"><pre><code>{html.escape(code)}</code></pre></div>'
    return str(highlight(code, lexer, _formatter()))


def pygments_css() -> str:
    """Return the highlight CSS for day mode and, under ``.nightMode``, night mode."""
    # Pygments' stubs leave get_style_defs untyped.
    day_style, night_style = HtmlFormatter(style="friendly"), HtmlFormatter(style="monokai")
    day = day_style.get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    night = night_style.get_style_defs(  # type: ignore[no-untyped-call]
        [".nightMode .highlight", ".night_mode .highlight"])
    # The code box's scroll cue (builder.anki.cardtemplate) is drawn in the box's own colour.
    grounds = (f".highlight {{ --bd-code-bg: {day_style.style.background_color}; }}\n"
               f".nightMode .highlight, .night_mode .highlight "
               f"{{ --bd-code-bg: {night_style.style.background_color}; }}")
    return f"{day}\n{night}\n{grounds}"

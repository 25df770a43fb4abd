"""The standard library's HTML parser, safe on every input a notes file may hold.

Python 3.11's ``HTMLParser`` raises ``AssertionError`` on a ``<![`` that opens no
marked section it knows (``<![ x``, ``<![<![``, ``<![foo[``): raw HTML of a shared
notes file reached it unchecked and stopped the build with a traceback.  Browsers (and
newer Pythons) read such a ``<![`` as a bogus comment up to the next ``>``; so does this
parser.

It also looked for the end of every unclosed ``<!--`` up to the end of the text: a raw
HTML block of 150,000 of them took hours.  Where none is left is remembered.
"""

from __future__ import annotations

from html.parser import HTMLParser


class SafeHTMLParser(HTMLParser):
    """``HTMLParser`` that reads an unknown ``<![`` as a bogus comment, never raising,
    and looks for the end of comments in linear work."""

    _no_comment_end: tuple[str, int] | None = None
    """The text searched and the place from which no ``-->`` follows in it."""

    def parse_html_declaration(self, i: int) -> int:
        place = self.getpos()
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            # It moved the position it reports (getpos) on before raising.
            self.lineno, self.offset = place
            return self.parse_bogus_comment(i)

    def parse_comment(self, i: int, report: bool = True) -> int:
        memo = self._no_comment_end
        if memo is not None and memo[0] is self.rawdata and i >= memo[1]:
            return -1
        end = super().parse_comment(i, report)
        if end < 0:
            self._no_comment_end = (self.rawdata, i)
        return end

"""The standard library's HTML parser, safe on every input a notes file may hold.

Python 3.11's ``HTMLParser`` raises ``AssertionError`` on a ``<![`` that opens no
marked section it knows (``<![ x``, ``<![<![``, ``<![foo[``): raw HTML of a shared
notes file reached it unchecked and stopped the build with a traceback.  Browsers (and
newer Pythons) read such a ``<![`` as a bogus comment up to the next ``>``; so does this
parser.
"""

from __future__ import annotations

from html.parser import HTMLParser


class SafeHTMLParser(HTMLParser):
    """``HTMLParser`` that reads an unknown ``<![`` as a bogus comment, never raising."""

    def parse_html_declaration(self, i: int) -> int:
        place = self.getpos()
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            # It moved the position it reports (getpos) on before raising.
            self.lineno, self.offset = place
            return self.parse_bogus_comment(i)

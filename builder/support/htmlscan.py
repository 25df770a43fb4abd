"""The standard library's HTML parser, safe on every input a notes file may hold.

Python 3.11's ``HTMLParser`` raises ``AssertionError`` on a ``<![`` that opens no
marked section it knows (``<![ x``, ``<![<![``, ``<![foo[``): raw HTML of a shared
notes file reached it unchecked and stopped the build with a traceback.  Browsers (and
newer Pythons) read such a ``<![`` as a bogus comment up to the next ``>``; so does this
parser.

It also did quadratic work on markup that never ends: each unclosed ``<!--``, ``<![``,
``</``, ``<?`` or start tag was searched to the end of the text for its closer, and
each start tag's attributes were read afresh, though the next ``<a b='`` had read the
same ones (20,000 ``<a b='`` in a raw HTML block took 84 s, 150,000 ``<!--`` hours).
Here every such search is remembered, a start tag is read one attribute at a time with
where each attribute's run of further attributes ends remembered, and once the text has
no ``>`` left an opener is text at once, as the standard parser makes it after its
search.  The results are the standard parser's (Python 3.11's reading of start tags).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_TAG_NAME_RUN = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*")
_BEFORE_ATTRIBUTES = re.compile(r"[\s/]*")
# One attribute of Python 3.11's locatestarttagend_tolerant, which repeats it.
_ATTRIBUTE = re.compile(r"""
  (?<=['"\s/])[^\s/>][^\s/=>]*       # attribute name
  (?:\s*=+\s*                        # value indicator
    (?:'[^']*'                       # LITA-enclosed value
      |"[^"]*"                       # LIT-enclosed value
      |(?!['"])[^>\s]*               # bare value
     )
    \s*                              # possibly followed by a space
   )?(?:\s|/(?!>))*
""", re.VERBOSE)
_TRAILING_SPACE = re.compile(r"\s*")
_DECLARATION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
_SECTION_CLOSE = re.compile(r"]\s*]\s*>")
_OFFICE_SECTION_CLOSE = re.compile(r"]\s*>")
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class SafeHTMLParser(HTMLParser):
    """``HTMLParser`` that reads an unknown ``<![`` as a bogus comment, never raising,
    and reads any text in linear work."""

    _no_comment_end: tuple[str, int] | None = None
    """The text searched and the place from which no ``-->`` follows in it."""
    _closing = False
    _memo_text: str | None = None

    def _memos_for_text(self) -> None:
        """Forgets what was remembered of another text (feed and close cut the text)."""
        if self._memo_text is not self.rawdata:
            self._memo_text = self.rawdata
            self._last_gt = self.rawdata.rfind(">")
            self._name_run = (0, 0)
            self._rest_ends: dict[int, int] = {}
            self._chain_ends: dict[int, int] = {}
            self._searches: dict[re.Pattern[str], tuple[int, re.Match[str] | None]] = {}

    def close(self) -> None:
        self._closing = True
        super().close()

    def _ended_before(self, i: int) -> bool:
        """Whether the text has ended and no ``>`` follows ``i``: nothing opened there
        can close."""
        self._memos_for_text()
        return self._closing and self._last_gt < i

    def _as_text(self, i: int) -> int:
        """What the standard parser makes of an unclosed opener at ``i`` once the text
        has ended and no ``>`` follows: text up to the next ``<``."""
        rawdata = self.rawdata
        k = rawdata.find("<", i + 1)
        if k < 0:
            k = i + 1
        if self.convert_charrefs and not self.cdata_elem:
            self.handle_data(unescape(rawdata[i:k]))
        else:
            self.handle_data(rawdata[i:k])
        return k

    def _search(self, pattern: re.Pattern[str], pos: int) -> re.Match[str] | None:
        """``pattern.search(self.rawdata, pos)``, remembering the last answer: it
        stands for every later ``pos`` up to where it matched (to the end if none)."""
        self._memos_for_text()
        known = self._searches.get(pattern)
        if known is not None:
            start, found = known
            if start <= pos and (found is None or pos <= found.start()):
                return found
        found = pattern.search(self.rawdata, pos)
        self._searches[pattern] = (pos, found)
        return found

    def parse_starttag(self, i: int) -> int:
        if self._ended_before(i) and self.check_for_whole_start_tag(i) < 0:
            return self._as_text(i)
        return super().parse_starttag(i)

    def parse_endtag(self, i: int) -> int:
        if self._ended_before(i):
            return self._as_text(i)
        return super().parse_endtag(i)

    def parse_pi(self, i: int) -> int:
        if self._ended_before(i):
            return self._as_text(i)
        return super().parse_pi(i)

    def parse_html_declaration(self, i: int) -> int:
        if self._ended_before(i):
            return self._as_text(i)
        place = self.getpos()
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            # It moved the position it reports (getpos) on before raising.
            self.lineno, self.offset = place
            return self.parse_bogus_comment(i)

    def parse_comment(self, i: int, report: bool = True) -> int:
        if self._ended_before(i):
            return self._as_text(i)
        memo = self._no_comment_end
        if memo is not None and memo[0] is self.rawdata and i >= memo[1]:
            return -1
        end = super().parse_comment(i, report)
        if end < 0:
            self._no_comment_end = (self.rawdata, i)
        return end

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """The standard reading, each closer search remembered."""
        name = _DECLARATION_NAME.match(self.rawdata, i + 3)
        kind = name.group().strip().lower() if name else ""
        if kind in {"temp", "cdata", "ignore", "include", "rcdata"}:
            close = self._search(_SECTION_CLOSE, i + 3)
        elif kind in {"if", "else", "endif"}:
            close = self._search(_OFFICE_SECTION_CLOSE, i + 3)
        else:
            return int(super().parse_marked_section(i, report))
        if close is None:
            return -1
        if report:
            self.unknown_decl(self.rawdata[i + 3:close.start()])
        return close.end()

    def check_for_whole_start_tag(self, i: int) -> int:
        """The standard check, its scan of the tag read through remembered parts."""
        rawdata = self.rawdata
        j = self._start_tag_scan_end(i)
        after = rawdata[j:j + 1]
        if after == ">":
            return j + 1
        if after == "/":
            if rawdata.startswith("/>", j):
                return j + 2
            return -1
        if after == "" or after in _LETTERS or after == "=":
            return -1
        return j if j > i else i + 1

    def _start_tag_scan_end(self, i: int) -> int:
        """Where Python 3.11's ``locatestarttagend_tolerant`` match from ``i`` ends."""
        self._memos_for_text()
        start, end = self._name_run
        if not start <= i + 1 < end:
            found = _TAG_NAME_RUN.match(self.rawdata, i + 1)
            end = found.end() if found else i + 1
            self._name_run = (i + 1, end)
        rest = self._rest_ends.get(end)
        if rest is None:
            attributes = _BEFORE_ATTRIBUTES.match(self.rawdata, end)
            chain = self._chain_end(attributes.end() if attributes else end)
            trailing = _TRAILING_SPACE.match(self.rawdata, chain)
            rest = trailing.end() if trailing else chain
            self._rest_ends[end] = rest
        return rest

    def _chain_end(self, place: int) -> int:
        """Where the run of attributes from ``place`` ends; every attribute start it
        passes is remembered with that end, which a later tag's run meets."""
        visited: list[int] = []
        known = self._chain_ends.get(place)
        while known is None:
            attribute = _ATTRIBUTE.match(self.rawdata, place)
            if attribute is None:
                known = place
                break
            visited.append(place)
            place = attribute.end()
            known = self._chain_ends.get(place)
        for start in visited:
            self._chain_ends[start] = known
        return known

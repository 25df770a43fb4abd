"""The links of a raw HTML block that shows nothing but links.

A folded table of contents is written in HTML as often as in Markdown (the
Best-README-Template's ``<details>``, ``<summary>Table of Contents</summary>``, then
``<ol><li><a href="#about-the-project">About The Project</a></li>…</ol>``): the box's
body is one HTML block whose only visible text is its links' (``builder.parse.tocfind``).
"""

from __future__ import annotations

from builder.support.htmlscan import SafeHTMLParser

_SHOWN = frozenset({"img", "picture", "svg", "video", "audio", "iframe", "object", "embed",
                    "canvas", "input", "button", "select", "textarea", "math"})
"""Elements that show something without text: a block holding one is more than links."""


class _Links(SafeHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []
        self.more = False
        """Something is shown outside the links: text or a picture."""
        self._open_links = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open_links += 1
            self.targets.append(dict(attrs).get("href") or "")
        elif tag in _SHOWN:
            self.more = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open_links = max(0, self._open_links - 1)

    def handle_data(self, data: str) -> None:
        if not self._open_links and data.strip():
            self.more = True


def only_links(html: str) -> list[str] | None:
    """The targets of the links of an HTML block that shows nothing else (a list of
    links in ``<ul>``/``<ol>``); None when it shows anything more, or no link."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.targets if parser.targets and not parser.more else None

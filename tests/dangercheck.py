"""An HTML danger check that shares nothing with the builder's sanitiser.

Written from what a browser and Anki would act on, not from the builder's allow-lists:
the stdlib HTML parser reads each field as imported into Anki and names every element,
attribute, URL, style or Anki markup that could run, load or play something.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ACTIVE_ELEMENTS = frozenset({
    "script", "style", "svg", "math", "iframe", "object", "embed", "meta", "base", "form",
    "link", "frame", "frameset", "applet", "template", "noscript", "input", "button",
    "textarea", "select", "video", "audio", "source", "picture", "image", "isindex", "xmp",
    "plaintext", "title", "body", "html", "keygen", "marquee",
})
URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "xlink:href", "action", "formaction", "data", "poster",
    "background", "lowsrc", "dynsrc", "code", "codebase", "ping", "srcdoc", "content",
})
STYLE_DANGER = ("position", "background-image", "url(", "expression", "behavior", "binding",
                "@import", "\\", "image-set")
ANKI_MARKUP = re.compile(r"\[(sound|anki):|\[/?\$\$?\]|\[/?latex\]|\{\{|\}\}", re.I)
# A browser ignores these inside a URL's scheme ("java\tscript:").
URL_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u2028\u2029]")


def url_ok(value: str, media: frozenset[str] | None) -> bool:
    """http(s), or (when ``media`` is given) exactly one of the packed media files."""
    bare = URL_IGNORED.sub("", value).lower()
    if bare.startswith(("http://", "https://")):
        return True
    return media is not None and value in media


class _Finder(HTMLParser):
    def __init__(self, media: frozenset[str] | None) -> None:
        super().__init__(convert_charrefs=True)
        self.media = media
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_ELEMENTS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            elif name in URL_ATTRIBUTES:
                if not url_ok(value, self.media if name == "src" else None):
                    self.found.append(f"{name}={value!r} on <{tag}>")
            elif name == "style":
                squeezed = re.sub(r"\s", "", value.lower())
                self.found += [f"style {w} on <{tag}>" for w in STYLE_DANGER if w in squeezed]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.found.append("<!--comment-->")

    def handle_decl(self, decl: str) -> None:
        self.found.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.found.append(f"<![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.found.append(f"<?{data}>")


def dangers(field: str, media: frozenset[str] | None = None, *, anki: bool = True) -> list[str]:
    """Return what in ``field`` (HTML as stored in Anki) could run, load or play.

    ``media`` holds the names in the collection's media folder: a picture may name one.
    ``anki`` looks for Anki's own markup too (it is played or typeset in fields only).
    """
    finder = _Finder(media)
    finder.feed(field)
    finder.close()
    markup = ANKI_MARKUP.finditer(field) if anki else iter(())
    return finder.found + [f"Anki markup {m.group()!r}" for m in markup]

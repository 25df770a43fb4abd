"""Formula pictures from formula-image services, read back as the TeX they were drawn from.

Before Markdown editors drew math, authors pasted formulas as pictures from a web
service whose address holds the TeX: ``![](https://latex.codecogs.com/svg.latex?\\frac{a}{b})``,
``<img src="https://render.githubusercontent.com/render/math?math=\\beta">``, in notes
copied from Zhihu ``![[公式]](https://www.zhihu.com/equation?tex=%5Clambda)``, in Yuque's
exports ``![img](https://g.yuque.com/gr/latex?f(z)%3Dz)`` and its editor's
``cdn.nlark.com/yuque/__latex/….svg#card=math&code=O%281%29``, from WordPress blogs
``s0.wp.com/latex.php?latex=…``.  Fetching them is refused (shared notes are untrusted
and builds are offline), so the TeX is taken from the address and drawn as the notes'
own formulas are.

Each service's address is decoded as that service does: Zhihu, GitHub, Google Charts and
WordPress take a form-encoded query parameter (``+`` is a space), Yuque's editor the
fragment's ``code`` the same way; CodeCogs and Yuque's export take the whole query, ``+``
is a plus, and CodeCogs' editor writes ``&space;`` and ``&plus;``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

from builder.parse.source import CONTROL_CHARS
from builder.parse.texsyntax import Node, parse_tex, tex_of

# CodeCogs' rendering directives before the TeX (``\dpi{150}\bg_white \inline x``): they
# set the picture's resolution, background, font and size, and are not TeX.
_CODECOGS_DIRECTIVES = frozenset({
    "dpi", "bg", "fn", "inline", "tiny", "small", "normalsize", "large", "Large", "LARGE",
    "huge", "Huge"})
_NAMED = frozenset({"bg", "fn"})  # written ``\bg_white`` or ``\bg{white}``


@dataclass(frozen=True, slots=True)
class FormulaPicture:
    """What a formula service's address says: its TeX ("" when none can be recovered)."""

    service: str
    """The service's host, to name it in a diagnostic."""
    tex: str
    inline: bool = False
    """CodeCogs' ``\\inline`` directive: drawn at text size whatever the context."""


def formula_picture(src: str) -> FormulaPicture | None:
    """The TeX a formula service's picture address holds; None for any other address,
    and for one whose TeX decodes to control characters (``%00``): no TeX, a forgery,
    left to the remote-picture refusal."""
    picture = _service_picture(src)
    if picture is None or any(ord(char) in CONTROL_CHARS for char in picture.tex):
        return None
    return replace(picture, tex=_undelimited(picture.tex))


def _undelimited(tex: str) -> str:
    """The TeX inside the ``$…$`` or ``$$…$$`` an author wrapped it in, as in the notes'
    own formulas (``math=$ f(x) $``: the service drew what was inside; no renderer
    here draws a ``$``); TeX with a ``$`` of its own inside (``\\$``) stays as it is."""
    for mark in ("$$", "$"):
        inside = tex[len(mark):-len(mark)]
        if len(tex) > 2 * len(mark) and tex.startswith(mark) and tex.endswith(mark) \
                and "$" not in inside and inside.strip() and not inside.endswith("\\"):
            return inside.strip()
    return tex


def _service_picture(src: str) -> FormulaPicture | None:
    try:
        parts = urlsplit(src.strip())
    except ValueError:  # a malformed address (``http://[``) is no service's
        return None
    host = (parts.hostname or "").lower()
    path = parts.path
    if (host == "codecogs.com" or host.endswith(".codecogs.com")) \
            and path.rsplit(".", 1)[-1] in ("latex", "image"):
        return _codecogs(host, parts.query)
    if host in ("www.zhihu.com", "zhihu.com") and path.rstrip("/") == "/equation":
        return FormulaPicture(host, _parameter(parts.query, "tex"))
    if host == "render.githubusercontent.com" and path.rstrip("/") == "/render/math":
        return FormulaPicture(host, _parameter(parts.query, "math"))
    if host in ("chart.googleapis.com", "chart.apis.google.com") and path == "/chart" \
            and _parameter(parts.query, "cht") == "tx":
        return FormulaPicture(host, _parameter(parts.query, "chl"))
    if host.endswith(".yuque.com") and path.rstrip("/") == "/gr/latex":
        # Yuque's export: the whole query is the TeX, percent-encoded (``+`` is %2B).
        return FormulaPicture(host, unquote(parts.query).strip())
    if (host == "wp.com" or host.endswith((".wp.com", ".wordpress.com"))) \
            and path == "/latex.php":
        return FormulaPicture(host, _parameter(parts.query, "latex"))
    if (host == "nlark.com" or host.endswith(".nlark.com")) \
            and path.startswith("/yuque/__latex/"):
        # Yuque's editor: the picture is named by a hash, and the TeX, when the export
        # kept it, is the fragment's ``code`` (``#card=math&code=…&id=…``, encoded by
        # encodeURIComponent, so a ``+`` is %2B); a bare hash holds no TeX.
        return FormulaPicture(host, _parameter(parts.fragment, "code"))
    return None


def _parameter(query: str, name: str) -> str:
    values = parse_qs(query, keep_blank_values=True).get(name)
    return values[0].strip() if values else ""


def _codecogs(host: str, query: str) -> FormulaPicture:
    tex = html.unescape(unquote(query).replace("&space;", " "))
    tex, inline = _without_directives(tex)
    return FormulaPicture(host, _lines(tex.strip()), inline)


def _lines(tex: str) -> str:
    """CodeCogs draws ``a \\newline \\indent b`` as two lines, the second indented: the
    same lines, left-aligned, in TeX's math (where ``\\newline`` and ``\\indent`` are
    not commands)."""
    if "\\newline" not in tex and "\\indent" not in tex:
        return tex
    try:
        nodes = parse_tex(tex)
    except ValueError:
        return tex  # unbalanced braces: the formula's checks report it as written
    lines: list[list[Node]] = [[]]
    for node in nodes:
        if node == "\\newline":
            lines.append([])
        else:
            lines[-1].append("\\quad" if node == "\\indent" else node)
    if len(lines) == 1:
        return tex_of(lines[0])
    rows = " \\\\ ".join("&" + tex_of(line).strip() for line in lines)
    return f"\\begin{{aligned}} {rows} \\end{{aligned}}"


def _without_directives(tex: str) -> tuple[str, bool]:
    """``tex`` without CodeCogs' leading directives, and whether ``\\inline`` was one."""
    inline = False
    rest = tex.lstrip()
    while rest.startswith("\\"):
        name = _command_name(rest)
        if name not in _CODECOGS_DIRECTIVES:
            break
        inline = inline or name == "inline"
        rest = rest[1 + len(name):]
        if name in _NAMED and rest.startswith("_"):
            end = 1
            while end < len(rest) and rest[end].isalnum():
                end += 1
            rest = rest[end:]
        elif name in (*_NAMED, "dpi") and rest.startswith("{"):
            close = rest.find("}")
            rest = rest[close + 1:] if close >= 0 else ""
        rest = rest.lstrip()
    return rest, inline


def _command_name(text: str) -> str:
    end = 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[1:end]


class _OneImage(HTMLParser):
    """The ``src`` of a fragment that is one ``<img>`` tag and nothing else."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []
        self.other = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img":
            self.other = True
            return
        values = {name: value or "" for name, value in reversed(attrs)}  # first one wins
        self.sources.append(values.get("src", ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.other = True

    def handle_data(self, data: str) -> None:
        self.other = self.other or bool(data.strip())

    def handle_comment(self, data: str) -> None:
        self.other = True

    def handle_decl(self, decl: str) -> None:
        self.other = True

    def handle_pi(self, data: str) -> None:
        self.other = True

    def unknown_decl(self, data: str) -> None:
        self.other = True


def lone_image_source(fragment: str) -> str | None:
    """The ``src`` of raw HTML that is a single ``<img>`` tag (spaces around it allowed)."""
    if fragment.lstrip()[:4].lower() != "<img":
        return None
    finder = _OneImage()
    finder.feed(fragment)
    finder.close()
    if finder.other or len(finder.sources) != 1:
        return None
    return finder.sources[0]

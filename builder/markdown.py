"""markdown-it-py set up for study notes, and its syntax tree turned into model Nodes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from builder.model import Diagnostic, Diagram, Formula, Node, SourceLoc
from builder.nesting import bound_inline_nesting, load_yaml

DIAGRAM_INFO = "diagram"

_MATH_KINDS = {
    "math_inline": ("math_inline", False),
    "math_inline_double": ("math_inline", True),
    "math_block": ("math_block", True),
    "math_block_label": ("math_block", True),
}


def _digit_star_is_text(state: StateInline, silent: bool) -> bool:
    """Keep ``*`` between two digits literal, so ``5*5 … 3*3`` is not emphasis.

    CommonMark lets an intraword ``*`` open and close emphasis; in study notes a
    star between digits is a multiplication sign far more often than markup.
    """
    pos = state.pos
    src = state.src
    if src[pos] != "*" or pos == 0 or pos + 1 >= state.posMax:
        return False
    if not (src[pos - 1].isdigit() and src[pos + 1].isdigit()):
        return False
    if not silent:
        state.pending += "*"
    state.pos += 1
    return True


def make_parser() -> MarkdownIt:
    """Return the markdown-it parser every source file goes through."""
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    # No space after the opening `$` and no digit after the closing one, so
    # currency such as "$5 到 $10" stays text.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.inline.ruler.before("emphasis", "digit_star", _digit_star_is_text)
    bound_inline_nesting(md)
    return md


@cache
def _shared_parser() -> MarkdownIt:
    return make_parser()


def tokenize(text: str) -> list[Token]:
    """Parse Markdown (BOM already removed) into markdown-it tokens, with the shared parser."""
    return _shared_parser().parse(text)


@dataclass
class NodeBuilder:
    """Turns a markdown-it syntax tree into frozen Nodes, collecting what it finds.

    ``validate_diagram`` checks a diagram's kind and parameters and returns an
    error message, or None when they are fine.
    """

    path: str
    lines: list[str]
    validate_diagram: Callable[[str, dict[str, object]], str | None]
    breaks: bool = True
    """Render a single newline inside a paragraph as a line break (markdown-it's ``breaks``)."""
    formulas: list[Formula] = field(default_factory=list)
    diagrams: list[Diagram] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _image_cursor: dict[int, int] = field(default_factory=dict)
    """Per line, where to look for the next ``![``: each image on a line gets its own column."""

    def reset(self) -> None:
        self.formulas = []
        self.diagrams = []

    def block(self, node: SyntaxTreeNode) -> Node:
        line = node.map[0] + 1 if node.map else 0
        kind = node.type
        if kind == "fence":
            return self._fence(node, line)
        if kind == "code_block":
            return Node("code_block", text=node.content, line=line)
        if kind in _MATH_KINDS:
            return self._math(node, line)
        if kind == "html_block":
            return Node("html_block", text=node.content, line=line)
        if kind == "hr":
            return Node("hr", line=line)
        attrs: list[tuple[str, str]] = []
        if kind == "heading":
            attrs.append(("level", node.tag[1:]))
        elif kind == "ordered_list":
            attrs.append(("start", str(node.attrs.get("start", 1))))
        elif kind == "paragraph" and node.hidden:
            # markdown-it hides the <p> of paragraphs inside tight lists.
            attrs.append(("tight", "1"))
        elif kind in ("th", "td"):
            style = str(node.attrs.get("style", ""))
            if style.startswith("text-align:"):
                attrs.append(("align", style.split(":", 1)[1]))
        children: list[Node] = []
        for child in node.children:
            if child.type == "inline":
                children.extend(self.inline(child.children, line))
            else:
                children.append(self.block(child))
        return Node(kind, tuple(children), attrs=tuple(attrs), line=line)

    def inline(self, nodes: list[SyntaxTreeNode], line: int) -> list[Node]:
        out: list[Node] = []
        for node in nodes:
            kind = node.type
            if kind in ("softbreak", "hardbreak"):
                out.append(Node("hardbreak" if self.breaks else kind))
                line += 1
            elif kind in ("text", "code_inline", "html_inline"):
                if node.content:
                    out.append(Node(kind, text=node.content))
            elif kind in _MATH_KINDS:
                out.append(self._math(node, line, inline=True))
                line += node.content.count("\n")
            elif kind == "link":
                href = str(node.attrs.get("href", ""))
                out.append(Node("link", tuple(self.inline(node.children, line)),
                                attrs=(("href", href),)))
            elif kind == "image":
                # markdown-it percent-encodes the target; the file on disk has the plain name.
                src = unquote(str(node.attrs.get("src", "")))
                alt = "".join(c.content for c in node.children) or str(node.content)
                out.append(Node("image", attrs=(("src", src), ("alt", alt)), line=line,
                                col=self._image_col(line)))
            else:
                out.append(Node(kind, tuple(self.inline(node.children, line))))
        return out

    def loc_of(self, line: int, needle: str) -> SourceLoc:
        """Locate ``$needle`` on a 1-based line to give diagnostics a column."""
        col = 1
        if 0 < line <= len(self.lines) and needle:
            text = self.lines[line - 1]
            found = text.find(needle)
            if found >= 0:
                while found > 0 and text[found - 1] == "$":
                    found -= 1
                col = found + 1
        return SourceLoc(self.path, line, col)

    def _image_col(self, line: int) -> int:
        if not 0 < line <= len(self.lines):
            return 0
        found = self.lines[line - 1].find("![", self._image_cursor.get(line, 0))
        if found < 0:
            return 0
        self._image_cursor[line] = found + 2
        return found + 1

    def _math(self, node: SyntaxTreeNode, line: int, *, inline: bool = False) -> Node:
        kind, display = _MATH_KINDS[node.type]
        tex = node.content.strip()
        first_line = tex.split("\n", 1)[0]
        formula = Formula(tex, display, self.loc_of(line, first_line))
        self.formulas.append(formula)
        if inline and display:
            kind = "math_inline"
        return Node(kind, text=tex, line=0 if inline else line, formula=formula)

    def _fence(self, node: SyntaxTreeNode, line: int) -> Node:
        info = node.info.strip()
        lang = info.split(maxsplit=1)[0] if info else ""
        if lang != DIAGRAM_INFO:
            return Node("code_block", text=node.content, attrs=(("lang", lang),), line=line)
        diagram = self._diagram(node.content, line)
        if diagram is None:
            return Node("code_block", text=node.content, attrs=(("lang", "yaml"),), line=line)
        self.diagrams.append(diagram)
        return Node("diagram", text=node.content, line=line, diagram=diagram)

    def _diagram(self, body: str, line: int) -> Diagram | None:
        loc = SourceLoc(self.path, line, 1)
        try:
            data = load_yaml(body)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            if mark is not None:
                loc = SourceLoc(self.path, line + 1 + mark.line, mark.column + 1)
            self._error(loc, f"diagram block is not valid YAML: {_yaml_problem(exc)}",
                        "diagram-yaml")
            return None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            self._error(loc, "diagram block needs a mapping with 'type: NAME'", "diagram-type")
            return None
        kind = data.pop("type")
        params = {str(k): v for k, v in data.items()}
        problem = self.validate_diagram(kind, params)
        if problem is not None:
            code = "diagram-type" if problem.startswith("unknown diagram type") else "diagram-param"
            self._error(loc, problem, code)
            return None
        canonical = json.dumps({"type": kind, **params}, sort_keys=True, ensure_ascii=False,
                               default=str)
        return Diagram(kind, tuple(sorted(params.items())), canonical, loc)

    def _error(self, loc: SourceLoc, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(loc, "error", message, code))


def _yaml_problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    return str(problem) if problem else str(exc).splitlines()[0]

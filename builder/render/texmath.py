"""TeX math → typst math: tex2typst, with a TeX-aware pass for what it gets wrong."""

from __future__ import annotations

import itertools
import re

from builder.parse.texsyntax import (
    Group,
    Node,
    argument,
    optional,
    parse_tex,
    skip_space,
    star,
    tex_of,
    with_paired_parens,
    with_script_bases,
    without_spaces,
)
from builder.render.texcommands import (
    BARS,
    BIG,
    BIG_CLASSES,
    BIG_SIZES,
    CASES_ENVS,
    COLOURS,
    DELIMITERS,
    DROPPED,
    ENV_RENAMES,
    FRACTIONS,
    HEX_COLOUR,
    INFIX,
    LEFT_RIGHT,
    MARKDOWN_ESCAPES,
    ONE_ARG,
    PLAIN_OPERATOR,
    STOPPERS,
    STYLES,
    TEXT_COMMANDS,
    XARROWS,
)
from builder.render.texenvs import DISPLAY_ROWS, braced_rows, pair_right, third_columns

# Commands typst cannot draw in the measured set; tex2typst would emit invalid typst.
_TYPST_FIXES = {"dot.circle": "dot.o"}

# Argument-free TeX commands tex2typst does not know, as TeX it does know. tex2typst's
# ``custom_tex_macros`` only substitutes tokens: a ``#1`` parameter fails to convert
# ("Unknown token type"), an empty expansion is ignored and the expansion is not grouped.
_TEX_MACROS = {
    "\\bm": "\\boldsymbol", "\\mathds": "\\mathbb", "\\lnot": "\\neg",
    "\\coloneqq": "\\mathrel{:=}", "\\eqqcolon": "\\mathrel{=:}",
    "\\dotsc": "\\ldots", "\\dotso": "\\ldots", "\\dotsb": "\\cdots",
    "\\dotsm": "\\cdots", "\\dotsi": "\\cdots",
    # MathJax breaks the line at \newline as at \\ (``PE(pos,2i)=… \newline PE(pos,2i+1)=…``).
    "\\newline": "\\\\",
}


# No-break and other Unicode spaces (pasted from web editors: WordPress, Zhihu), and tabs
# (Typora: `…{\operatorname{Var}}\t\tag{4}`), are spaces to TeX in math; tex2typst stops
# at them ("Unexpected whitespace character").
_PLAIN_SPACES = {code: " " for code in (0x09, 0x0B, 0x0C, 0x0D, 0x00A0, 0x1680,
                                         *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}


def to_typst(tex: str) -> str:
    """Convert TeX math to typst math (raises ValueError on TeX it cannot convert).

    tex2typst does the conversion; a small TeX-aware pass first takes out the
    constructs it drops, mangles or ungroups (``\\boxed``, ``\\xrightarrow``,
    ``\\color``, ``\\sum\\limits``, ``\\big(``, bare ``|`` …), converts their
    arguments on their own and puts the typst back in after conversion.
    """
    import tex2typst

    rewriter = _Rewriter()
    nodes = with_paired_parens(with_script_bases(parse_tex(tex.translate(_PLAIN_SPACES))))
    prepared = rewriter.rewrite(nodes)
    converted: str = tex2typst.tex2typst(
        prepared, frac_to_slash=False, custom_tex_macros=_TEX_MACROS)
    for bad, good in _TYPST_FIXES.items():
        converted = converted.replace(bad, good)
    return _fill_slots(converted, rewriter.slots)


# --- TeX pre-pass ------------------------------------------------------------------
#
# The TeX is parsed into tokens and brace groups (never with a regex over the whole
# text, so arguments nest). A construct tex2typst gets wrong becomes a placeholder
# control word (``\zzslotab``): tex2typst passes unknown commands through as a bare
# identifier, which is then replaced by typst built here from the construct's
# arguments, each converted by ``to_typst`` on its own. Only typst's standard library
# is used, so the same source also compiles in the PDF templates.

_SLOT = re.compile(r"zzslot[a-z]+")
_NESTS = {"\\left": 1, "\\right": -1, "\\begin": 1, "\\end": -1}
_SLOT_IDS = itertools.count()



def _typst_string(text: str) -> str:
    """``text`` as a typst string literal (a label can hold any character)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _convert(nodes: list[Node]) -> str:
    return to_typst(tex_of(nodes)).strip()


def _colour(nodes: list[Node]) -> str:
    name = tex_of(nodes).strip()
    hex_match = HEX_COLOUR.fullmatch(name)
    if name.lower() in COLOURS:
        return f'rgb("{COLOURS[name.lower()]}")'
    if hex_match and (name.startswith("#") or any(c.isdigit() for c in name)):
        return f'rgb("#{hex_match.group(1)}")'
    raise ValueError(f"unknown colour {name!r}")


def _infix(nodes: list[Node]) -> list[Node]:
    """``a \\over b`` and ``n \\choose k`` as the prefix forms tex2typst knows."""
    if any(n in ("&", "\\\\") for n in nodes):
        return nodes
    for index, node in enumerate(nodes):
        if isinstance(node, str) and node in INFIX:
            before, after = tex_of(nodes[:index]), tex_of(nodes[index + 1:])
            return parse_tex(INFIX[node] % (before, after))
    return nodes


class _Rewriter:
    """Rewrites one TeX formula for tex2typst, keeping the typst of what it took out."""

    def __init__(self) -> None:
        self.slots: dict[str, str] = {}

    def slot(self, typst: str) -> str:
        """A placeholder command that tex2typst passes through as an identifier."""
        number, letters = next(_SLOT_IDS), ""
        while True:
            number, digit = divmod(number, 26)
            letters += chr(ord("a") + digit)
            if not number:
                break
        name = "zzslot" + letters
        self.slots[name] = typst
        return f"\\{name} "

    def rewrite(self, nodes: list[Node]) -> str:
        nodes = braced_rows(third_columns(pair_right(_infix(nodes))))
        out: list[str] = []
        envs: list[str] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            i += 1
            if isinstance(node, Group):
                out.append(self._group(node, nodes, i, out))
            elif node.isspace():
                out.append(node)
            elif node in BARS:
                out.append(self.slot(BARS[node]))
            elif node == "&" and envs and envs[-1] in CASES_ENVS:
                out.append("&\\quad ")  # a cases column gap; typst reads & as alignment
            elif node in ("\\begin", "\\end"):
                i = self._environment(node, nodes, i, out, envs)
            else:
                i = self._command(node, nodes, i, out)
        return "".join(out)

    def _group(self, group: Group, nodes: list[Node], i: int, out: list[str]) -> str:
        # tex2typst drops the braces of {a+b}^2, attaching the script to b alone.
        j = skip_space(nodes, i)
        scripted = j < len(nodes) and nodes[j] in ("^", "_")
        if scripted and _free_standing(out):
            solid = without_spaces(group.items)
            if not solid:
                return self.slot('""')
            if len(solid) > 1:
                return self.slot(f"lr({_convert(group.items)})")
        return "{" + self.rewrite(group.items) + "}"

    def _environment(self, node: str, nodes: list[Node], i: int, out: list[str],
                     envs: list[str]) -> int:
        name_nodes, i = argument(nodes, i)
        name = tex_of(name_nodes).strip()
        if node == "\\begin":
            envs.append(name)
        elif envs:
            envs.pop()
        out.append(f"{node}{{{ENV_RENAMES.get(name, name)}}}")
        if node == "\\begin" and name in ("array", "subarray"):
            spec, i = argument(nodes, i)
            out.append("{" + tex_of(spec) + "}")
        return i

    def _command(self, node: str, nodes: list[Node], i: int, out: list[str]) -> int:
        """Rewrite the control word ``node`` (its arguments start at ``nodes[i]``) into
        ``out``; return the index after its arguments."""
        if node in TEXT_COMMANDS:
            return self._text(node, nodes, i, out)
        if node in ("\\left", "\\right"):
            return _left_right(node, nodes, i, out)
        if node == "\\middle" or BIG.fullmatch(node):
            return self._delimiter(node, nodes, i, out)
        if node == "\\operatorname":
            return self._operatorname(nodes, i, out)
        if node in STYLES or node == "\\color":
            return self._styled(node, nodes, i, out)
        if node in XARROWS:
            return self._xarrow(node, nodes, i, out)
        if node in ("\\limits", "\\nolimits"):
            self._limits(node == "\\limits", out)
            return i
        if node in _SLOTTED:
            typst, i = _slotted(node, nodes, i)
            out.append(self.slot(typst))
            return i
        return _as_tex(node, nodes, i, out)

    def _text(self, node: str, nodes: list[Node], i: int, out: list[str]) -> int:
        arg, i = argument(nodes, i)
        text = tex_of(arg)
        if '"' in text and "\\" not in text:  # tex2typst would not escape the quotes
            shown = self.slot('"' + text.replace('"', '\\"') + '"')
        else:
            shown = f"\\text{{{text}}}"
        font = TEXT_COMMANDS[node]
        out.append(f"{font}{{{shown}}}" if font else shown)
        return i

    def _styled(self, node: str, nodes: list[Node], i: int, out: list[str]) -> int:
        """A style or colour switch (``\\bf x``, ``\\color{red} x``): it runs to the end of the
        group, row, cell or delimiter it stands in."""
        colour = ""
        if node == "\\color":
            name, i = argument(nodes, i)
            colour = _colour(name)
        end, opened = i, 0  # `\displaystyle \left( a \right)`: a pair opened after it is inside
        while end < len(nodes):
            item = str(nodes[end]) if isinstance(nodes[end], str) else ""
            if item in STOPPERS and not opened:
                break
            opened += _NESTS.get(item, 0)
            end += 1
        rest, i = nodes[i:end], end
        if without_spaces(rest):
            body = _convert(rest)
            out.append(self.slot(f"text(fill: #{colour}, {body})" if colour
                                 else f"{STYLES[node]}({body})"))
        return i

    def _xarrow(self, node: str, nodes: list[Node], i: int, out: list[str]) -> int:
        below, i = optional(nodes, i)
        above, i = argument(nodes, i)
        arrow = f"stretch({XARROWS[node]}, size: #(100% + 0.6em))"
        if without_spaces(above):
            arrow += f"^({_convert(above)})"
        if below and without_spaces(below):
            arrow += f"_({_convert(below)})"
        out.append(self.slot(arrow))
        return i

    def _delimiter(self, node: str, nodes: list[Node], i: int, out: list[str]) -> int:
        j = skip_space(nodes, i)
        delimiter = nodes[j] if j < len(nodes) else None
        if delimiter == ".":
            return j + 1
        if not isinstance(delimiter, str) or delimiter not in DELIMITERS:
            raise ValueError(f"unsupported delimiter after {node}")
        glyph = DELIMITERS[delimiter]
        big = BIG.fullmatch(node)
        if big is None:
            out.append(self.slot(f"mid({glyph})"))
        else:
            size, kind = BIG_SIZES[big.group(1)], BIG_CLASSES[big.group(2)]
            out.append(self.slot(f'class("{kind}", stretch({glyph}, size: #{size}))'))
        return j + 1

    def _operatorname(self, nodes: list[Node], i: int, out: list[str]) -> int:
        starred, i = star(nodes, i)
        arg, i = argument(nodes, i)
        name = tex_of(arg).strip()
        if PLAIN_OPERATOR.fullmatch(name):
            out.append(("\\operatorname*{%s}" if starred else "\\operatorname{%s}") % name)
        else:  # \operatorname*{arg\,max}: tex2typst would quote the TeX itself
            limits = ", limits: #true" if starred else ""
            body = to_typst("\\mathrm{" + name + "}").strip()
            out.append(self.slot(f"op({body}{limits})"))
        return i

    def _limits(self, limits: bool, out: list[str]) -> None:
        """Wrap the operator before ``\\limits`` / ``\\nolimits``."""
        k = len(out) - 1
        while k >= 0 and out[k].isspace():
            k -= 1
        if k < 0 or not out[k].startswith(("\\", "{")):
            return
        base = to_typst(out[k]).strip()
        out[k] = self.slot(f"limits({base})" if limits else f"scripts({base})")


def _free_standing(out: list[str]) -> bool:
    """Whether a group about to be written stands alone, not as a script or an argument.

    Looks back past the groups just written to what came before them: after ``^``
    or ``_`` the first group is the script, after a command every group may be an
    argument (arities are unknown), after anything else a group stands alone.
    """
    solid = [chunk for chunk in out if not chunk.isspace()]
    groups = 0
    while groups < len(solid) and solid[-1 - groups].startswith("{"):
        groups += 1
    if groups == len(solid):
        return True
    before = solid[-1 - groups]
    if before in ("^", "_"):
        return groups > 0
    return before.startswith("\\zzslot") or not re.fullmatch(r"\\[A-Za-z]+", before)


def _fill_slots(typst: str, slots: dict[str, str]) -> str:
    """Put the typst of each placeholder back (placeholders may nest)."""

    def fill(match: re.Match[str]) -> str:
        snippet = slots.get(match.group(0))
        if snippet is None:
            return match.group(0)
        snippet = _fill_slots(snippet, slots)
        following = match.string[match.end():match.end() + 1]
        # After "#expr" typst code would go on into a call or field: "#box(..)(x)".
        if snippet.startswith("#") and following in ("(", "[", "."):
            snippet += " "
        return snippet

    return _SLOT.sub(fill, typst)


def _left_right(node: str, nodes: list[Node], i: int, out: list[str]) -> int:
    j = skip_space(nodes, i)
    delimiter = nodes[j] if j < len(nodes) else ""
    if not isinstance(delimiter, str):
        raise ValueError(f"no delimiter after {node}")
    out.append(node + LEFT_RIGHT.get(delimiter, delimiter))
    return j + 1


# Commands whose arguments are converted on their own, then placed as one typst slot.
_SLOTTED = frozenset({"\\ref", "\\eqref", DISPLAY_ROWS, "\\mathop", "\\overset",
                      "\\underset", "\\stackrel", "\\textcolor", *FRACTIONS, *ONE_ARG})


def _slotted(node: str, nodes: list[Node], i: int) -> tuple[str, int]:
    """The typst for a ``_SLOTTED`` command and its arguments, and the index after them."""
    if node in ("\\ref", "\\eqref"):
        target, i = argument(nodes, i)
        shown = tex_of(target).strip()
        return _typst_string(shown if node == "\\ref" else f"({shown})"), i
    if node in ("\\overset", "\\underset", "\\stackrel"):
        above, i = argument(nodes, i)
        base, i = argument(nodes, i)
        script = "_" if node == "\\underset" else "^"
        return f"limits({_convert(base)}){script}({_convert(above)})", i
    if node == "\\textcolor":
        name, i = argument(nodes, i)
        arg, i = argument(nodes, i)
        return f"text(fill: #{_colour(name)}, {_convert(arg)})", i
    if node in FRACTIONS:
        top, i = argument(nodes, i)
        bottom, i = argument(nodes, i)
        return FRACTIONS[node] % (_convert(top), _convert(bottom)), i
    arg, i = argument(nodes, i)
    if node == DISPLAY_ROWS:
        return f"display({_convert(arg)})", i
    if node == "\\mathop":
        return f"op({_convert(arg)}, limits: #true)", i
    return ONE_ARG[node] % _convert(arg), i


def _as_tex(node: str, nodes: list[Node], i: int, out: list[str]) -> int:
    """Commands tex2typst takes as they are, or that are dropped or rewritten in TeX."""
    if node == "\\tag":
        starred, i = star(nodes, i)
        arg, i = argument(nodes, i)
        label = tex_of(arg) if starred else f"({tex_of(arg)})"
        out.append(f"\\qquad\\text{{{label}}}")
    elif node == "\\label":
        _arg, i = argument(nodes, i)
    elif node in DROPPED:
        pass
    elif node in MARKDOWN_ESCAPES and skip_space(nodes, i) < len(nodes) and any(
            not chunk.isspace() for chunk in out):  # `{\_step}` has no base: the glyph
        # `$x\_i$`, `$B\*C$`: escaped for Markdown renderers that read math as text.
        out.append(MARKDOWN_ESCAPES[node])
    else:
        out.append(node)
    return i

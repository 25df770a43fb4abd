"""TeX macros a notes file defines for itself, expanded in the formulas after them.

MathJax keeps the macros a formula defines for the rest of the page, and Typora, Jupyter
and MathJax/KaTeX blogs (Hexo, Jekyll, Hugo) render notes that way: a file opens with
``$$\\newcommand{\\R}{\\mathbb{R}} \\DeclareMathOperator*{\\argmax}{arg\\,max}$$`` and
writes ``$\\R$`` and ``$\\argmax_x f$`` below.  A card's formula is drawn alone (and
Anki's MathJax sees one field), so the definitions are read here, in the order of the
file, and every later formula gets them expanded before it is drawn.

Read: ``\\newcommand``, ``\\renewcommand``, ``\\providecommand`` (``*`` too) with up to
nine parameters and an optional first argument's default; ``\\def``/``\\gdef`` with
``#1#2…`` parameters; ``\\DeclareMathOperator`` (``*`` too).  A definition inside braces
(TeX keeps it to that group), one whose parts are not as above (``\\def\\a#1.{…}``), and
anything a macro expands to (a definition in a macro's body) stay as written.

Expansion is bounded (a macro calling itself, or ``\\a`` → ``\\b\\b`` → ``\\c\\c\\c\\c``…):
calls nest at most ``MAX_DEPTH`` deep and a formula grows to at most ``MAX_TOKENS``
tokens; past either, the formula is left as written and the caller warns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from builder.parse.texsyntax import Group, Node, argument, optional, parse_tex, star, tex_of

NEWCOMMANDS = frozenset({"\\newcommand", "\\renewcommand", "\\providecommand"})
DEFS = frozenset({"\\def", "\\gdef"})
OPERATORS = frozenset({"\\DeclareMathOperator"})
DEFINERS = NEWCOMMANDS | DEFS | OPERATORS

MAX_DEPTH = 32
"""Macro calls nest no deeper (real macros call one or two others)."""
MAX_TOKENS = 20_000
"""A formula expands to no more tokens (a long real formula has a few hundred)."""
MAX_FILE_TOKENS = 200_000
"""All of a file's formulas together expand to no more tokens: thousands of formulas each
just under ``MAX_TOKENS`` took minutes and a gigabyte to expand and draw."""


class ExpansionError(ValueError):
    """A formula's macros could not be expanded (too deep, too long, a missing argument)."""


@dataclass(frozen=True, slots=True)
class Macro:
    params: int
    default: tuple[Node, ...] | None
    """The optional first argument's default (``\\newcommand{\\x}[2][0]{…}``)."""
    body: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Applied:
    """A formula with the file's macros applied."""

    tex: str | None
    """The formula to draw; None when it held definitions only (it shows nothing)."""
    defined: tuple[str, ...] = ()
    """The macros it defined, in order."""
    error: str = ""
    """Why its macros were not expanded (it is then ``tex`` as written)."""


@dataclass(slots=True)
class FileMacros:
    """The macros defined so far in one file, in document order."""

    macros: dict[str, Macro] = field(default_factory=dict)
    budget: int = MAX_FILE_TOKENS
    """Tokens the file's later formulas may still expand to (``MAX_FILE_TOKENS``)."""

    def apply(self, tex: str) -> Applied:
        """``tex`` with its definitions read (and taken out) and the macros expanded."""
        if not self.macros and not any(name in tex for name in DEFINERS):
            return Applied(tex)  # most files define nothing: no parse
        try:
            nodes = parse_tex(tex)
        except ValueError:
            return Applied(tex)  # unbalanced braces: reported when it is drawn
        rest, defined = self._read_definitions(nodes)
        if defined and not tex_of(rest).strip():
            return Applied(None, defined)
        if not self.macros or not _calls_any(rest, self.macros):
            return Applied(tex_of(rest) if defined else tex, defined)
        if self.budget <= 0:
            return Applied(tex, defined, "the file's macros already expanded to more than "
                           f"{MAX_FILE_TOKENS:,} tokens")
        expansion = _Expansion(self.macros, min(MAX_TOKENS, self.budget))
        try:
            expanded = expansion.run(rest, 0)
        except ExpansionError as error:
            return Applied(tex, defined, str(error))
        finally:
            self.budget -= expansion.tokens
        return Applied(tex_of(expanded), defined)

    def _read_definitions(self, nodes: list[Node]) -> tuple[list[Node], tuple[str, ...]]:
        rest: list[Node] = []
        defined: list[str] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, str) and node in DEFINERS:
                try:
                    name, macro, i = _definition(node, nodes, i + 1)
                except ValueError:
                    rest.append(node)
                    i += 1
                    continue
                if node != "\\providecommand" or name not in self.macros:
                    self.macros[name] = macro
                defined.append(name)
                continue
            rest.append(node)
            i += 1
        return rest, tuple(defined)


def _definition(definer: str, nodes: list[Node], i: int) -> tuple[str, Macro, int]:
    """The definition whose parts start at ``i`` (after ``definer``): its name, the
    macro and where it ends; ValueError when its parts are not of a form read here."""
    starred, i = star(nodes, i)
    written, i = argument(nodes, i)
    name = _macro_name(written)
    if definer in OPERATORS:
        text, i = argument(nodes, i)
        command = "\\operatorname*" if starred else "\\operatorname"
        return name, Macro(0, None, (command, Group(list(text)))), i
    if definer in DEFS:
        params, i = _def_parameters(nodes, i)
        body, i = argument(nodes, i)
        return name, Macro(params, None, tuple(body)), i
    count, i = optional(nodes, i)
    default, i = optional(nodes, i)
    params = int(tex_of(count).strip() or "x") if count is not None else 0
    if not 0 <= params <= 9 or (default is not None and params == 0):
        raise ValueError("parameters")
    body, i = argument(nodes, i)
    return name, Macro(params, tuple(default) if default is not None else None, tuple(body)), i


def _macro_name(written: list[Node]) -> str:
    names = [n for n in written if not (isinstance(n, str) and n.isspace())]
    if len(names) != 1 or not isinstance(names[0], str) or not names[0].startswith("\\") \
            or len(names[0]) < 2:
        raise ValueError("not a macro name")
    return names[0]


def _def_parameters(nodes: list[Node], i: int) -> tuple[int, int]:
    """``#1#2…`` up to the body's group: how many (ValueError for delimited ones)."""
    params = 0
    while i < len(nodes) and not isinstance(nodes[i], Group):
        if isinstance(nodes[i], str) and str(nodes[i]).isspace():
            i += 1
            continue
        if nodes[i] != "#" or i + 1 >= len(nodes) or nodes[i + 1] != str(params + 1):
            raise ValueError("delimited parameters")
        params += 1
        i += 2
    return params, i


def _calls_any(nodes: list[Node], macros: dict[str, Macro]) -> bool:
    return any(_calls_any(n.items, macros) if isinstance(n, Group) else n in macros
               for n in nodes)


@dataclass(slots=True)
class _Expansion:
    macros: dict[str, Macro]
    limit: int
    tokens: int = 0

    def run(self, nodes: list[Node], depth: int) -> list[Node]:
        if depth > MAX_DEPTH:
            raise ExpansionError(f"macros call each other more than {MAX_DEPTH} deep")
        out: list[Node] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            i += 1
            if isinstance(node, Group):
                out.append(Group(self.run(node.items, depth)))
                continue
            macro = self.macros.get(node)
            if macro is None:
                self._count(1)
                out.append(node)
                if node in DEFINERS and i < len(nodes):  # a definition left as written
                    out.append(nodes[i])  # keeps the name it defines
                    i += 1
                continue
            self._count(1)  # calls count too: \a → \b\b → \c\c\c\c… may make no tokens
            args, i = _arguments(macro, nodes, i)
            out.extend(self.run(_substitute(macro.body, args), depth + 1))
        return out

    def _count(self, added: int) -> None:
        self.tokens += added
        if self.tokens > self.limit:
            raise ExpansionError(
                f"the macros make it longer than {MAX_TOKENS:,} tokens"
                if self.limit == MAX_TOKENS else
                f"the file's formulas together expand to more than {MAX_FILE_TOKENS:,} tokens")


def _arguments(macro: Macro, nodes: list[Node], i: int) -> tuple[list[list[Node]], int]:
    args: list[list[Node]] = []
    try:
        if macro.default is not None:
            first, i = optional(nodes, i)
            args.append(first if first is not None else list(macro.default))
        while len(args) < macro.params:
            arg, i = argument(nodes, i)
            args.append(arg)
    except ValueError as error:
        raise ExpansionError(f"a macro's argument is missing ({error})") from error
    return args, i


def _substitute(body: tuple[Node, ...] | list[Node], args: list[list[Node]]) -> list[Node]:
    """``body`` with ``#1``… replaced by the arguments (``##`` is one ``#``)."""
    out: list[Node] = []
    i = 0
    while i < len(body):
        node = body[i]
        i += 1
        if isinstance(node, Group):
            out.append(Group(_substitute(node.items, args)))
        elif node == "#" and i < len(body) and isinstance(body[i], str):
            following = str(body[i])
            if following.isdigit() and 1 <= int(following) <= len(args):
                out.extend(args[int(following) - 1])
                i += 1
            elif following == "#":
                out.append("#")
                i += 1
            else:
                out.append(node)
        else:
            out.append(node)
    return out

"""Checking that typst math converted from a shared formula is data, never code.

A formula's typst is evaluated (``eval(src, mode: "math")``) by the formula
template and the PDF. typst math can hold code after ``#``, so text that leaks
out of a string (``\\text{\\ " #read("x") "}``) could read files, add links or
loop. The checker walks the typst the way typst's lexer does and allows:

- strings, escapes, and math punctuation;
- names typst's math scope knows (``builder.render.typstnames``), with symbol modifiers
  (``arrow.r.long``) but no field access on anything else;
- after ``#``, only the literal forms tex2typst and ``builder.render.texmath`` write:
  ``#none``, ``#true``, lengths, ``#(100% + 0.6em)``, ``#h(1cm)``,
  ``#h(-math.thin.amount)``, ``#rgb("#ff0000")``, ``#box(…, $…$)``,
  ``#hide[$…$]`` and ``#text(fill: …)[$…$]``, whose math is checked the same way.

Anything else — other code, comments, raw text, a stray ``$`` — is ``Unsafe``.
A name typst does not know is only ``Unknown``: typst would fail on it anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.render.typstnames import FUNCTIONS, SYMBOLS

_CONSTANTS = frozenset({"none", "auto", "true", "false", "left", "right", "center",
                        "top", "bottom", "horizon"})
_COLOURS = frozenset({"black", "gray", "silver", "white", "navy", "blue", "aqua", "teal",
                      "eastern", "purple", "fuchsia", "maroon", "red", "orange", "yellow",
                      "olive", "green", "lime"})
_UNITS = ("pt", "em", "cm", "mm", "in", "fr", "deg", "%")
_CODE_CALLS = frozenset({"h", "v", "rgb", "box", "hide", "text"})
_SPACINGS = frozenset({"thin", "med", "thick", "quad", "wide"})
_DEPTH_LIMIT = 64


class Unsafe(ValueError):
    """The typst holds code, or text typst would read as code."""


class Unknown(ValueError):
    """The typst names something typst's math mode does not know."""


def check_typst_math(src: str) -> None:
    """Raise ``Unsafe`` or ``Unknown`` unless ``src`` is plain typst math."""
    reader = _Reader(src)
    reader.math(closing=None, depth=0)
    if reader.unknown:
        raise Unknown(f"unknown name {reader.unknown!r}")


def is_safe_typst(src: str) -> bool:
    """Whether ``src`` (from a cache file, say) passes ``check_typst_math``."""
    try:
        check_typst_math(src)
    except ValueError:
        return False
    return True


@dataclass
class _Reader:
    src: str
    pos: int = 0
    unknown: str = ""

    def peek(self, length: int = 1) -> str:
        return self.src[self.pos:self.pos + length]

    def fail(self, what: str) -> Unsafe:
        return Unsafe(f"{what} at {self.pos + 1} of typst {self.src[:80]!r}")

    # --- math mode --------------------------------------------------------------------

    def math(self, closing: str | None, depth: int) -> None:
        """Read math up to ``closing`` (a ``$`` ending nested math) or the end."""
        if depth > _DEPTH_LIMIT:
            raise self.fail("nesting too deep")
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == "$":
                if closing is None:
                    raise self.fail("`$` in math")
                self.pos += 1
                return
            if char == '"':
                self.string()
            elif char == "\\":
                self.pos += 2
            elif char == "#":
                self.pos += 1
                self.code(depth + 1)
            elif char == "`":
                raise self.fail("raw text")
            elif self.peek(2) in ("//", "/*", "*/"):
                raise self.fail("a comment")
            elif char.isalpha():
                self.name()
            else:
                self.pos += 1
        if closing is not None:
            raise self.fail("unclosed `$`")

    def string(self) -> None:
        self.pos += 1
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == '"':
                self.pos += 1
                return
            self.pos += 2 if char == "\\" else 1
        raise self.fail("unclosed string")

    def name(self) -> None:
        start = self.pos
        while self.pos < len(self.src) and self.src[self.pos].isalnum():
            self.pos += 1
        word = self.src[start:self.pos]
        single = len(word) == 1
        if self.peek() == ":" and not single:
            return  # an argument's name, `mat(delim: …)`: not looked up
        if not single and word not in SYMBOLS and word not in FUNCTIONS:
            self.unknown = self.unknown or word
        while self.peek() == "." and self.src[self.pos + 1:self.pos + 2].isalpha():
            if single:
                return  # `x.y` is text in typst math, not a field
            if word not in SYMBOLS:
                raise self.fail(f"field access on {word!r}")
            self.pos += 1
            while self.pos < len(self.src) and self.src[self.pos].isalpha():
                self.pos += 1

    # --- code after `#` ---------------------------------------------------------------

    def code(self, depth: int) -> None:
        """One code expression after ``#``: a literal, or one of the allowed calls."""
        if depth > _DEPTH_LIMIT:
            raise self.fail("nesting too deep")
        char = self.peek()
        if char == "(":
            self.arguments(depth)
        elif char.isdigit():
            self.number()
        elif char.isalpha():
            word = self.identifier()
            if self.peek() == "(":
                if word not in _CODE_CALLS:
                    raise self.fail(f"call of {word!r}")
                self.arguments(depth)
                if self.peek(2) == "[$":
                    self.pos += 2
                    self.math(closing="$", depth=depth + 1)
                    if self.peek() != "]":
                        raise self.fail("unclosed content")
                    self.pos += 1
            elif word == "hide" and self.peek(2) == "[$":
                self.pos += 2
                self.math(closing="$", depth=depth + 1)
                if self.peek() != "]":
                    raise self.fail("unclosed content")
                self.pos += 1
            elif word not in _CONSTANTS:
                raise self.fail(f"code {word!r}")
        else:
            raise self.fail("code")

    def identifier(self) -> str:
        start = self.pos
        while self.pos < len(self.src) and (self.src[self.pos].isalnum()
                                            or self.src[self.pos] in "-_"):
            self.pos += 1
        return self.src[start:self.pos]

    def number(self) -> None:
        while self.pos < len(self.src) and (self.src[self.pos].isdigit()
                                            or self.src[self.pos] == "."):
            self.pos += 1
        for unit in _UNITS:
            if self.src.startswith(unit, self.pos):
                self.pos += len(unit)
                break

    def arguments(self, depth: int) -> None:
        """``( value, name: value, … )`` where every value is a literal or checked math."""
        self.pos += 1
        while True:
            self.skip_space()
            char = self.peek()
            if char == ")":
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            if not char:
                raise self.fail("unclosed arguments")
            self.value(depth)

    def value(self, depth: int) -> None:
        char = self.peek()
        if char == "$":
            self.pos += 1
            self.math(closing="$", depth=depth + 1)
        elif char == '"':
            self.string()
        elif char.isdigit():
            self.number()
        elif char in "+-*":
            self.pos += 1
        elif char == "(":
            self.arguments(depth + 1)
        elif char.isalpha():
            self.word_value(depth)
        else:
            raise self.fail(f"{char!r} in code")

    def word_value(self, depth: int) -> None:
        word = self.identifier()
        if self.peek() == ":":
            self.pos += 1  # a named argument; its value follows
            return
        if word == "math":
            parts = self.src[self.pos:].split(".", 3)
            if len(parts) >= 3 and parts[0] == "" and parts[1] in _SPACINGS and \
                    self.identifier_at(self.pos + 2 + len(parts[1])) == "amount":
                self.pos += 2 + len(parts[1]) + len("amount")
                return
            raise self.fail("field access on 'math'")
        if self.peek() == "(" and word in _CODE_CALLS:
            self.arguments(depth + 1)
        elif word not in _CONSTANTS and word not in _COLOURS:
            raise self.fail(f"code {word!r}")

    def identifier_at(self, pos: int) -> str:
        end = pos
        while end < len(self.src) and self.src[end].isalpha():
            end += 1
        return self.src[pos:end]

    def skip_space(self) -> None:
        while self.pos < len(self.src) and self.src[self.pos].isspace():
            self.pos += 1

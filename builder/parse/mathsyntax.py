"""markdown-it rules for TeX math as authors really type it.

Modelled on mdit-py-plugins' ``dollarmath``, which allows ``$ x $`` only by also
pairing currency and prose. The rules here take math before any other inline rule
sees it (so ``\\{``, ``\\\\`` and ``_`` arrive intact) and choose pairings the way
Typora and Pandoc readers expect:

- ``$ x $`` with spaces inside is math (Typora writes it so);
- a closing ``$`` followed by a digit does not close a "formula" that starts with a
  digit or ends in a space (Pandoc's rule, narrowed so ``$\\times$64`` is math), so
  ``$5 到 $10`` stays text; an opening ``$`` followed by a digit whose "formula"
  holds prose is money, not math;
- a pair whose inside holds CJK sentence punctuation (``，。；``) outside ``\\text``
  is prose between two dollars, not a formula: the opening ``$`` stays text, with a
  ``dollar-pairing`` note on the token so the parser can warn;
- ``$$…$$`` blocks interrupt a paragraph (glued to the line before) and may hold
  blank lines; ``\\(…\\)`` and ``\\[…\\]`` are math too.

Every math token records in ``meta["offset"]`` where it starts in its inline
content, so diagnostics can give an exact line and column.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.heading import heading as atx_heading
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from builder.parse.linescan import line_text
from builder.support.cjk import has_cjk, is_cjk_letter

DOUBT = "dollar_doubts"
"""``meta`` key of an inline token: (offset, marker, why) of each ``$`` or ``\\(`` that could
have opened a formula but was kept as text (see ``attach_doubts``)."""

# Full-width sentence punctuation: in a "formula" it means the pair spans prose.
_CJK_PUNCTUATION = frozenset("，。；：！？、「」『』（）【】《》")
_BLOCK_MARKERS = (("$$", "$$"), ("\\[", "\\]"))
_BLOCK_OPENERS = tuple(opener for opener, _closer in _BLOCK_MARKERS)
# Keys in markdown-it's per-line cache, below the positions other rules key it by.
_MEMO_KEYS = {"$": -1, "$$": -2, "\\)": -3, "\\]": -4}
_PAIRING_SPENT, _PAIRING_NOTED = -5, -6
"""Keys of the characters ``\\(`` and ``\\[`` pairing has read, and of its note."""


def math_plugin(md: MarkdownIt) -> None:
    """Add the inline and block math rules to ``md``."""
    md.inline.ruler.before("escape", "math_inline", _math_inline)
    md.block.ruler.before("fence", "math_block", _math_block,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


# --- inline ---------------------------------------------------------------------------

def _math_inline(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src.startswith(("\\(", "\\["), start):
        closer = "\\)" if src[start + 1] == "(" else "\\]"
        if not _within_pairing_budget(state, silent):
            return False  # markdown-it's escape rule makes it the bracket it escapes
        end = _closer_after(state, start + 2, closer)
        if end is not None:
            state.cache[_PAIRING_SPENT] = state.cache.get(_PAIRING_SPENT, 0) + end - start
        if end is None or _escaped_brackets(src[start + 2:end], square=closer == "\\]"):
            return False
        if closer == "\\)" and _called(src, start, src[start + 2:end]):
            return _call_brackets(state, silent, end)
        kind = "math_inline" if closer == "\\)" else "math_inline_double"
        return _push(state, silent, kind, src[start:start + 2], start + 2, end, 2)
    if src[start] != "$":
        return False
    if src.startswith("$$", start):
        end = _closer_after(state, start + 2, "$$")
        if end is None or not src[start + 2:end].strip():
            return _text(state, silent, "$$")
        return _push(state, silent, "math_inline_double", "$$", start + 2, end, 2)
    end = _closer_after(state, start + 1, "$")
    if end is None:
        return False  # no closing `$` at all: text (lint reports a likely formula)
    content = src[start + 1:end]
    following = src[end + 1:end + 2]
    if not content.strip() or _is_money(content) or (following.isdigit() and (
            content[0].isdigit() or content[-1].isspace())):
        return _text(state, silent, "$")
    if _holds_prose(content):
        return _text(state, silent, "$", doubt="the text up to the next `$` reads as prose")
    return _push(state, silent, "math_inline", "$", start + 1, end, 1)


def _within_pairing_budget(state: StateInline, silent: bool) -> bool:
    """Whether a ``\\(`` or ``\\[`` may still look for its closer and read what is between.

    Each one kept as escaped brackets leaves the next to read up to the same far closer:
    ``a \\( b \\( b \\(…\\)\\)\\)`` took work quadratic in the line (50,000 of them,
    hours).  Real paragraphs read each formula once, so a few times the text is plenty;
    past it the rest are the escaped brackets CommonMark reads, noted once.
    """
    spent = state.cache.get(_PAIRING_SPENT, 0)
    if spent <= _PAIRING_BUDGET_PER_CHAR * len(state.src) + _PAIRING_BUDGET_BASE:
        return True
    if not silent and not state.cache.get(_PAIRING_NOTED):
        state.cache[_PAIRING_NOTED] = True
        state.env.setdefault(DOUBT, []).append((state.src, state.pos, state.src[
            state.pos:state.pos + 2], "from here on, `\\(` and `\\[` in this paragraph are "
            "read as escaped brackets, not formulas: too many of them open no formula "
            "before a far closer to pair them all (write `$…$` for formulas)"))
    return False


_PAIRING_BUDGET_PER_CHAR = 4
_PAIRING_BUDGET_BASE = 20_000


def _closer_after(state: StateInline, pos: int, closer: str) -> int | None:
    """``_find_closer`` in the inline content, remembering where none is left.

    Without the memo a line of many ``\\(`` with no ``\\)`` is scanned to its end
    from each of them: quadratic in the line's length.
    """
    key = _MEMO_KEYS[closer]
    none_after = state.cache.get(key)
    if none_after is not None and pos >= none_after:
        return None
    found = _find_closer(state.src, pos, state.posMax, closer)
    if found is None and state.posMax == len(state.src):
        state.cache[key] = min(pos, none_after if none_after is not None else pos)
    return found


def _find_closer(src: str, pos: int, limit: int, closer: str) -> int | None:
    """Index of the first ``closer`` at or after ``pos`` that no backslash escapes."""
    while pos < limit:
        if src.startswith(closer, pos):
            return pos if pos + len(closer) <= limit else None
        pos += 2 if src[pos] == "\\" else 1
    return None


def _escaped_brackets(content: str, *, square: bool) -> bool:
    """``\\[1\\]``, ``\\(注\\)``, ``\\(filter\\)``: Markdown escapes around prose, not math.

    CommonMark reads ``\\(`` and ``\\[`` as escaped brackets; authors write them so around
    citation numbers and Chinese notes, and exporters (GitBook, HTML-to-Markdown tools
    behind Notion, Yuque and Zhihu copies) escape every bracket of the prose:
    ``卷积核\\(filter\\)``, ``size=\\[n\\_in,n\\_out\\]``, ``shift\\[J\\]``.  A TeX
    command makes the pair math.  Without one, these make it prose, operators or not: a
    Markdown escape (``\\_``: an exporter escaped the ``_`` of ``n_in`` too), Chinese,
    only digits, commas and dashes, or nothing.  Else an operator (``^_=+<>{}|``) makes it
    math, and it is prose when it has no letter, a word of three letters or more, or is
    between square brackets (a display formula of one letter is no formula).
    """
    body = content.strip()
    commands, escapes = _backslashes(body)
    if commands:
        return False
    if escapes or not body or all(c.isdigit() or c in ",，-– " for c in body):
        return True
    if has_cjk(body):
        return True
    if not _OPERATORS.isdisjoint(body):
        return False
    return square or not any(c.isalpha() for c in body) or any(
        len(word) >= _WORD for word in "".join(
            c if c.isalpha() else " " for c in body).split())


def _called(src: str, start: int, content: str) -> bool:
    """``f\\(wx+b\\)``, ``np.sqrt\\(3/n\\)``: a call's brackets, escaped by an exporter.

    GitBook escapes every bracket of the prose, operators inside included.  A name glued to
    the opening ``\\(`` is a call or an index: formula delimiters follow a space, Chinese
    or punctuation (``是 \\(x\\)``, ``的\\(x\\)``).  A TeX command inside keeps it a formula.
    """
    before = src[start - 1:start]
    return (before.isascii() and (before.isalnum() or before == "_")
            and not _backslashes(content.strip())[0])


def _call_brackets(state: StateInline, silent: bool, end: int) -> bool:
    """Push ``\\(`` as the text ``(``, noting the guess when the inside looks like math."""
    content = state.src[state.pos + 2:end]
    if not silent:
        state.push("text", "", 0).content = "("
        if not _OPERATORS.isdisjoint(content):
            state.env.setdefault(DOUBT, []).append((state.src, state.pos, "\\(", (
                f"`\\({_shown(content)}\\)` right after a name is read as the escaped "
                "brackets of a call (GitBook escapes every bracket), not a formula; put a "
                "space before `\\(` or write `$…$` for a formula")))
    state.pos += 2
    return True


def _shown(content: str) -> str:
    """``content`` on one line and short, for a diagnostic (a hostile one may be huge)."""
    flat = " ".join(content.split())
    return flat if len(flat) <= _SHOWN else f"{flat[:_SHOWN]}…"


_SHOWN = 60
_OPERATORS = frozenset("^_=+<>{}|")
_WORD = 3
"""Letters in a row that read as a word (``filter``, ``MLP``), not a product of symbols."""
_MARKDOWN_ESCAPES = frozenset("_*#()[]")
"""Characters exporters escape in prose; in TeX math none needs it."""


def _backslashes(body: str) -> tuple[int, int]:
    """How many TeX commands (``\\frac``, ``\\{``) and Markdown escapes (``\\_``) ``body`` holds."""
    commands = escapes = 0
    i = 0
    while i < len(body) - 1:
        if body[i] == "\\":
            if body[i + 1] in _MARKDOWN_ESCAPES:
                escapes += 1
            else:
                commands += 1
            i += 2
        else:
            i += 1
    return commands, escapes


def _is_money(content: str) -> bool:
    """``$5 到 `` or ``$20 and ``: a number, then words.

    Words in English only up to a space before the next ``$`` (Pandoc's closing rule):
    ``$128 times 12288$`` is a formula.
    """
    if not content[0].isdigit():
        return False
    # Chinese words after the number; full-width punctuation alone is a formula typed
    # with a Chinese IME (``$128^2，256^2$``, ``$0（margin=0）$``).
    return any(is_cjk_letter(char) for char in content) or (content[-1].isspace() and any(
        len(word) > 1 and word.isalpha() and word.isascii() for word in content.split()[1:]))


def _holds_prose(content: str) -> bool:
    """Chinese words and sentence punctuation outside ``\\text``: a sentence, not math.

    A full-width comma alone (``$x_1，x_2$``, typed with a Chinese IME) is still math.
    """
    if _CJK_PUNCTUATION.isdisjoint(content):
        return False  # most formulas: what is outside ``\text`` is part of the content
    outside_text = outside_text_commands(content)
    if _CONTROL_WORD.search(outside_text) or _BRACED_SCRIPT.search(content):
        return False  # `\frac`, `C_{in}`: TeX, with the author's Chinese words inside it
    return any(char in _CJK_PUNCTUATION for char in outside_text) and any(
        is_cjk_letter(char) for char in outside_text)


# What prose between two dollars never holds: a control word, a braced script.
_CONTROL_WORD = re.compile(r"\\[A-Za-z]+")
_BRACED_SCRIPT = re.compile(r"[_^]\{")


def outside_text_commands(content: str) -> str:
    """``content`` without the arguments of ``\\text``-like commands, where prose is fine."""
    kept: list[str] = []
    depth = 0
    text_depth: int | None = None
    i = 0
    while i < len(content):
        char = content[i]
        if char == "\\":
            j = i + 1
            while j < len(content) and content[j].isalpha():
                j += 1
            name = content[i + 1:j]
            if text_depth is None and name in ("text", "mbox", "textrm", "textbf", "mathrm",
                                               "textit", "operatorname", "hbox"):
                text_depth = depth + 1
            if text_depth is None:
                kept.append(content[i:max(j, i + 2)])
            i = max(j, i + 2)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if text_depth is not None and depth < text_depth:
                text_depth = None
        elif text_depth is None:
            kept.append(char)
        i += 1
    return "".join(kept)


def _text(state: StateInline, silent: bool, markup: str, doubt: str = "") -> bool:
    if not silent:
        token = state.push("text", "", 0)
        token.content = markup
        # Text tokens are merged after inline parsing, so the note goes through env.
        if doubt and state.src[state.pos + 1:state.pos + 2].isspace():
            state.env.setdefault(DOUBT, []).append((state.src, state.pos, "$", doubt))
    state.pos += len(markup)
    return True


def attach_doubts(tokens: list[Token], env: dict[str, Any]) -> None:
    """Move the doubtful ``$`` notes from ``env`` onto the inline tokens they belong to.

    Only a ``$`` followed by a space is noted: one followed by a letter is left as text
    too, and the unbalanced-dollar check already reports it.
    """
    # A note from a nested parse (an image's alt text) names text no inline token holds:
    # left in the queue, it would hold up every note after it.
    contents = {token.content for token in tokens if token.type == "inline"}
    pending: list[tuple[str, int, str, str]] = [note for note in env.pop(DOUBT, [])
                                                if note[0] in contents]
    for token in tokens:
        while pending and token.type == "inline" and pending[0][0] == token.content:
            _src, offset, marker, why = pending.pop(0)
            token.meta.setdefault(DOUBT, []).append((offset, marker, why))


def _push(state: StateInline, silent: bool, kind: str, markup: str, begin: int, end: int,
          closer_length: int) -> bool:
    if not silent:
        token = state.push(kind, "math", 0)
        token.content = state.src[begin:end]
        token.markup = markup
        token.meta = {"offset": state.pos}
    state.pos = end + closer_length
    return True


# --- block ----------------------------------------------------------------------------

def _math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # an indented code block
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith(_BLOCK_OPENERS, begin):
        return False  # tried at every line: no copy of a line that cannot open a block
    first = state.src[begin:state.eMarks[start_line]]
    markers = next(((o, c) for o, c in _BLOCK_MARKERS if first.startswith(o)), None)
    if markers is None:
        return False
    opener, closer = markers
    rest = first[len(opener):].rstrip()
    if opener == "$$" and rest.startswith("$"):
        return False
    if rest.endswith(closer) and _find_closer(rest, 0, len(rest), closer) == len(rest) - 2:
        if opener == "\\[" and _escaped_brackets(rest[:-2], square=True):
            return False  # ``\[1\]`` alone on its line: a reference's number
        return _block_token(state, silent, start_line, start_line, opener, [rest[:-2]])
    if _find_closer(rest, 0, len(rest), closer) is not None:
        return False  # `$$a$$ and text`: a paragraph with inline math
    body, opened, done = [rest], start_line, []
    for line in range(start_line + 1, end_line):
        if state.sCount[line] < state.blkIndent and state.src[
                state.bMarks[line]:state.eMarks[line]].strip():
            return False  # the container (list item, quote) ended first
        text = line_text(state, line).rstrip()
        if atx_heading(state, line, end_line, True):
            return False  # a heading (as markdown-it reads one): the block was never closed
        where = _find_closer(text, 0, len(text), closer)
        if where is None:
            body.append(text)
            continue
        body.append(text[:where])
        after = text[where + 2:].lstrip()
        if opener == "$$" and after.startswith("$$") \
                and _find_closer(after, 2, len(after), closer) is None:
            # GitBook's `$$ $$` (`$$$$`): one display closed and the next opened on a line.
            done.append((opened, line, body))
            body, opened = [after[2:]], line
            continue
        if after:
            return False  # `$$ more text` after the closer: leave it to inline math
        done.append((opened, line, body))
        return _block_tokens(state, silent, done, opener)
    return False


def _block_token(state: StateBlock, silent: bool, start_line: int, last_line: int,
                 markup: str, body: list[str]) -> bool:
    return _block_tokens(state, silent, [(start_line, last_line, body)], markup)


def _block_tokens(state: StateBlock, silent: bool, blocks: list[tuple[int, int, list[str]]],
                  markup: str) -> bool:
    """One display formula per (first line, last line, body lines); blocks sharing a line
    (``$$ $$`` between them) each take it in."""
    if not silent:
        for first, last, body in blocks:
            token = state.push("math_block", "math", 0)
            token.block = True
            token.content = "\n".join(body)
            token.markup = markup
            token.map = [first, last + 1]
    state.line = blocks[-1][1] + 1
    return True

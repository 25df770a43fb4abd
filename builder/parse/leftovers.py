"""Text that lands in no card: what the parser tells the author about it.

Every non-blank line of a source ends up in a card, in the PDF, or in one of these
diagnostics, which names the lines (``Diagnostic.end_line``) and says how to keep them:

* ``section-intro`` (note): text between a section heading, the title or the start of
  the file and the first question; the PDF shows it above the section's questions.
* ``orphan-heading`` (warning): the same, when it holds a heading below the question
  level, which reads like a question written one level too deep.
* ``setext-heading`` (warning): a ``===``/``---`` line under a paragraph made it a
  heading in the middle of an answer, cutting the answer short.
* ``extra-title`` (warning): a heading above the section level after the title.
* ``empty-section`` (note): a section heading with nothing under it.
* ``unclosed-fence`` (warning): a code fence without its closing line.
* ``fence-heading`` (warning): a closed code block holding question or section headings.
* ``toc-unclosed`` (warning): a ``<!-- TOC -->`` block that a heading ended.
* ``front-matter`` (error): front matter whose closing ``---`` is missing, or that a
  later rule closed after swallowing headings (builder.parse.frontmatter_cut).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Sequence

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.model import Diagnostic, Node, Section, SourceLoc
from builder.parse.fences import INSIDE, UNCLOSED, Inside, Unclosed
from builder.parse.frontmatter_cut import CUT, FrontMatterCut
from builder.parse.phrases import question_reason
from builder.support.yamlload import YAMLError, load_plain

MAX_FRONT_MATTER_LINES = 500
"""Longer paragraphs after a leading rule are not read as YAML: front matter is short."""


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first >= last else f"lines {first}-{last}"


def _marks(level: int) -> str:
    return "#" * level


def is_comment(html: str) -> bool:
    """Say whether a raw HTML block is one comment and nothing else (``<!-- … -->``)."""
    text = html.strip()
    return text.startswith("<!--") and text.endswith("-->") and text.count("-->") == 1


_EMPTY_ANCHOR = re.compile(
    r"<a\s+(?:name|id)\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>]+)\s*>|</a>", re.IGNORECASE)


def shows_nothing(node: SyntaxTreeNode) -> bool:
    """Say whether a block is a paragraph of empty anchors and nothing else
    (``<a name="dVsR1"></a>``, which Yuque's export writes before every heading; ``<a
    id="sec-1"></a>``): shown nowhere, as a comment is, so it is no answer, no introduction
    and nothing to report."""
    if node.type != "paragraph" or not node.children:
        return False
    parts = node.children[0].children
    return any(part.type == "html_inline" for part in parts) and all(
        part.type == "softbreak" or (part.type == "text" and not part.content.strip())
        or (part.type == "html_inline" and _EMPTY_ANCHOR.fullmatch(part.content.strip()))
        for part in parts)


def intro_diagnostic(path: str, blocks: Sequence[Node], heading: tuple[int, int, str] | None,
                     question_level: int, first_question: int = 0,
                     questions: Sequence[int] = ()) -> Diagnostic:
    """Report blocks shown in the PDF only, as a section's (or the file's) introduction.

    ``heading`` is the line, last line and text of the heading they follow, if any;
    ``first_question`` the line of the section's first question (0: none); ``questions``
    the lines of its questions, which part the blocks into runs named one by one.
    """
    first, last = blocks[0].line, max(b.end_line or b.line for b in blocks)
    verb = "is" if first >= last else "are"
    runs = _runs(blocks, questions)
    if heading is None:
        where = "at the top of the file"
    else:  # a heading of pictures only has no text
        where = f"under '{heading[2]}'" if heading[2] else f"under the heading at line {heading[0]}"
    deep = [b for b in blocks if b.kind == "heading" and int(b.attr("level", "0")) > question_level]
    marks = _marks(question_level)
    if deep:
        named = ", ".join(f"line {b.line}" for b in deep[:5])
        return Diagnostic(
            SourceLoc(path, first), "warning",
            f"{_lines(first, last)} {where} hold heading(s) below the question level {marks} "
            f"but under no {marks} question ({named}): shown in the cheat sheet only, in no "
            f"card; write them as {marks} headings to make them cards", "orphan-heading", last)
    # Questions that are bold lines (or a file that is one question) have no heading level.
    above = (f"a {marks} question heading" if 1 <= question_level <= 6
             else "a question (a whole bold line such as **…?**)")
    # Blocks between or after tagged cards (an outline's plain blocks) are no introduction.
    placed = "outside the questions" if 0 < first_question < last else "before the first question"
    named = _lines(first, last) if len(runs) == 1 else _named_runs(runs)
    return Diagnostic(
        SourceLoc(path, first), "note",
        f"{named} {where} {verb} {placed}: shown in the cheat "
        f"sheet only (as an introduction), in no card; to make a card of it, put {above} "
        "above it", "section-intro", runs[0][1])


_RUNS_NAMED = 4
"""Runs of lines a note names before it counts the rest ("and 9 more")."""


def _runs(blocks: Sequence[Node], questions: Sequence[int]) -> list[tuple[int, int]]:
    """The blocks' lines as runs (first, last) that no question comes between: rules
    between a quiz's questions are each a run, not one range over the questions too."""
    lines = sorted(questions)
    runs: list[tuple[int, int]] = []
    for block in sorted(blocks, key=lambda b: b.line):
        end = max(block.end_line, block.line)
        # The first question after the run so far, found by halving (a quiz's section holds
        # thousands of questions and as many rules between them).
        after = bisect_right(lines, runs[-1][1]) if runs else len(lines)
        if runs and (after == len(lines) or lines[after] > block.line):
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        else:
            runs.append((block.line, end))
    return runs


def _named_runs(runs: Sequence[tuple[int, int]]) -> str:
    named = ", ".join(f"{a}" if a >= b else f"{a}-{b}" for a, b in runs[:_RUNS_NAMED])
    more = len(runs) - _RUNS_NAMED
    return f"lines {named}" + (f" and {more} more places" if more > 0 else "")


def leftover_diagnostics(path: str, sections: Sequence[Section],
                         headed: dict[int, tuple[int, int, str]], question_level: int
                         ) -> list[Diagnostic]:
    """Report each section's introduction, and section headings with nothing under them.

    ``headed`` maps the index of each section started by a heading to its lines and text.
    """
    found: list[Diagnostic] = []
    last_shown = _last_shown(sections)
    for index, section in enumerate(sections):
        heading = headed.get(index)
        if section.intro:
            questions = [card.loc.line for card in section.cards]
            found.append(intro_diagnostic(path, section.intro, heading, question_level,
                                          min(questions, default=0), questions))
        # Questions left without answers are left out (`empty-answer`), their section's
        # heading with them: it is named here, since it shows nowhere either.
        elif not _answered(section) and heading and section.path \
                and last_shown.get(section.path, -1) <= index:
            found.append(empty_section_diagnostic(path, heading, bool(section.cards)))
    return found


def _last_shown(sections: Sequence[Section]) -> dict[tuple[str, ...], int]:
    """Of each section path (and its leading parts): the index of the last section under it
    that shows something, answered questions or an introduction. One pass, so that deeply
    nested headings stay linear."""
    last: dict[tuple[str, ...], int] = {}
    for index, section in enumerate(sections):
        if _answered(section) or section.intro:
            last.update((section.path[:end], index) for end in range(1, len(section.path) + 1))
    return last


def _answered(section: Section) -> bool:
    return any(card.answer for card in section.cards)


def setext_diagnostic(path: str, heading: Token, question: str, question_level: int
                      ) -> Diagnostic:
    """Report a setext heading (text over ``===``/``---``) that cut an answer short."""
    assert heading.map is not None
    first, last = heading.map[0] + 1, heading.map[1]
    rule = heading.markup[:1] * 3
    level = int(heading.tag[1:])
    after = ("a new question" if level == question_level
             else "what follows, up to the next question, is in no card")
    return Diagnostic(
        SourceLoc(path, first), "warning",
        f"the '{rule}' line {last} makes {_lines(first, last - 1)} a level {level} heading, "
        f"which ends the answer to '{question}' ({after}); if it is not meant as a heading, "
        f"put a blank line above the '{rule}' line (or write a rule as ***)",
        "setext-heading", last)


def setext_on_purpose(heading: Token, cuts: bool, levels: set[int]) -> bool:
    """Whether a setext heading (text over ``===``/``---``) is underlined on purpose: one
    that cuts no answer short is, and its level is then one the file underlines (added to
    ``levels``); after that, a one-line heading at that level is too, though it ends an
    answer as any heading does ("FAQ" over "---" in notes titled "BERT" over "----")."""
    level = int(heading.tag[1:])
    if not cuts:
        levels.add(level)
        return True
    one_line = heading.map is not None and heading.map[1] - heading.map[0] == 2
    return one_line and level in levels


def extra_title_diagnostic(path: str, lines: tuple[int, int], text: str, title: str,
                           level: int, section_level: int) -> Diagnostic:
    """Report a heading above the section level that is not the file's title."""
    line, end = lines
    return Diagnostic(
        SourceLoc(path, line), "warning",
        f"'{text}' is a level {level} heading, above the section level {_marks(section_level)}, "
        f"but the file's title is '{title}': its text is in no card or PDF heading, and the "
        f"questions after it are filed under no section; make it a {_marks(section_level)} "
        "section heading", "extra-title", end)


def toc_unclosed_diagnostic(path: str, start: int, heading_line: int) -> Diagnostic:
    """Report a ``<!-- TOC -->`` block ended by a heading instead of its closing marker."""
    return Diagnostic(
        SourceLoc(path, start), "warning",
        f"'<!-- TOC -->' is not closed by '<!-- /TOC -->' before the heading at line "
        f"{heading_line}: the TOC is taken to end there; add '<!-- /TOC -->' after its list",
        "toc-unclosed", heading_line - 1)


def empty_section_diagnostic(path: str, heading: tuple[int, int, str],
                             unanswered: bool = False) -> Diagnostic:
    line, end, title = heading
    holds = "only questions without answers" if unanswered else "no questions and no text"
    return Diagnostic(
        SourceLoc(path, line), "note",
        f"section '{title}' has {holds}: its heading is in no card or PDF",
        "empty-section", end)


def fence_diagnostics(tokens: Sequence[Token], path: str, levels: range) -> list[Diagnostic]:
    """Report every code fence without its closing line (``builder.parse.fences``).

    ``levels`` are the section to question heading levels: swallowed headings of those
    levels are named.
    """
    found: list[Diagnostic] = []
    for token in tokens:
        unclosed = token.meta.get(UNCLOSED) if token.meta else None
        if isinstance(unclosed, Unclosed) and token.map:
            found.append(_fence_diagnostic(token, unclosed, path, levels))
        elif token.type == "fence" and token.level == 0 and token.map:
            found += _headings_in_code(token, path, levels)
    return found


_SHOWS_MARKDOWN = {"markdown", "md", "gfm", "commonmark"}
# Languages whose line comments start with `#`: in their blocks "# load the data" is code.
_HASH_COMMENTS = frozenset((
    "python", "py", "python3", "ipython", "pycon", "bash", "sh", "shell", "zsh", "console",
    "shell-session", "r", "ruby", "rb", "perl", "yaml", "yml", "toml", "dockerfile",
    "makefile", "make", "cmake", "conf", "ini", "env", "dotenv", "properties", "powershell",
    "ps1", "julia", "nginx", "gitignore", "requirements"))


def _headings_in_code(token: Token, path: str, levels: range) -> list[Diagnostic]:
    """Report a closed fence holding question or section headings.

    When one fence in the middle of a file lacks its closing line, every later pair of
    bare fences is turned inside out: the text between them becomes code, its questions
    with it.  A fence labelled ``markdown`` shows headings on purpose.
    """
    assert token.map is not None
    lang = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
    if lang in _SHOWS_MARKDOWN:
        return []
    read = token.meta.get(INSIDE) if token.meta else None
    if not isinstance(read, Inside):
        return []  # not read: over the file's budget (builder.parse.fences.INSPECTED)
    # In code whose comments start with `#`, only a heading at the question level that
    # reads as a question is taken for a swallowed one ("### Q2", not "# load the data").
    # (A block that holds the next one's opening fence was cut before: unclosed-fence.)
    comments = lang in _HASH_COMMENTS
    inside = [h for h in read.headings if h.level in levels and not (comments and (
        h.level < levels[-1] or question_reason(h.text) is None))]
    if not inside:
        return []
    names = ", ".join(f"'{_marks(h.level)} {h.text}' (line {h.line})" for h in inside[:5])
    return [Diagnostic(
        SourceLoc(path, token.map[0] + 1), "warning",
        f"this code block holds heading(s) {names}{' and more' if len(inside) > 5 else ''}: "
        f"they are code, not questions; if a code fence above lacks its closing "
        f"'{token.markup}', add it (label a block that shows Markdown on purpose "
        "```markdown)", "fence-heading", token.map[1])]




def _fence_diagnostic(token: Token, unclosed: Unclosed, path: str, levels: range
                      ) -> Diagnostic:
    assert token.map is not None
    first = token.map[0] + 1
    fence = token.markup
    cut = unclosed.cut_before
    if cut is not None:
        message = (
            f"code fence '{fence}' is not closed before the heading '{_marks(cut.level)} "
            f"{cut.text}' (line {cut.line}), which it would swallow with "
            f"{_lines(cut.line, unclosed.swallowed_to)}: the fence is taken to end at line "
            f"{unclosed.end_line} and the rest is read as notes; add a '{fence}' line where "
            "the code ends")
        return Diagnostic(SourceLoc(path, first), "warning", message, "unclosed-fence",
                          unclosed.end_line)
    swallowed = [h for h in unclosed.headings if h.level in levels]
    message = (f"code fence '{fence}' is never closed: "
               f"{_lines(first + 1, unclosed.end_line)} are code")
    if swallowed:
        names = ", ".join(f"'{_marks(h.level)} {h.text}' (line {h.line})" for h in swallowed[:5])
        more = " and more" if len(swallowed) > 5 else ""
        message += f", swallowing the heading(s) {names}{more}"
    message += f"; add a '{fence}' line where the code ends"
    return Diagnostic(SourceLoc(path, first), "warning", message, "unclosed-fence",
                      unclosed.end_line)


def front_matter_cut_diagnostic(tokens: Sequence[Token], path: str) -> Diagnostic | None:
    """Report front matter that a later rule closed, cut short by builder.parse.frontmatter_cut."""
    if not tokens or not tokens[0].meta or not isinstance(tokens[0].meta.get(CUT), FrontMatterCut):
        return None
    cut: FrontMatterCut = tokens[0].meta[CUT]
    names = ", ".join(f"'{text}' (line {line})" for line, text in cut.headings[:5])
    return Diagnostic(
        SourceLoc(path, 1), "error",
        f"front matter opened at line 1 is closed only by the '---' at line {cut.closed_at}, "
        f"taking in the heading(s) {names}: it is taken to end at line {cut.end_line}; add a "
        f"'---' line before line {cut.end_line + 1}", "front-matter", cut.end_line)


def unclosed_front_matter(tokens: Sequence[Token], lines: Sequence[str], path: str,
                          known: Collection[str]) -> Diagnostic | None:
    """Report front matter whose closing ``---`` is missing.

    The front matter plugin then leaves a rule (the opening ``---``) and a paragraph; the
    paragraph is front matter if it reads as a YAML mapping with a ``known`` key or more
    than one key (``Note: see below`` alone is prose).
    """
    if len(tokens) < 2 or tokens[0].type != "hr" or tokens[0].map != [0, 1]:
        return None
    if not lines or lines[0].strip() != "---" or tokens[1].type != "paragraph_open":
        return None
    block = tokens[1].map or [1, 1]
    if block[1] - block[0] > MAX_FRONT_MATTER_LINES:
        return None
    try:
        data = load_plain("\n".join(lines[block[0]:block[1]]))
    except (YAMLError, RecursionError):
        return None
    if not isinstance(data, dict) or not (len(data) > 1 or set(map(str, data)) & set(known)):
        return None
    return Diagnostic(
        SourceLoc(path, 1), "error",
        f"front matter opened at line 1 is never closed: add a '---' line after line "
        f"{block[1]} (its settings are not applied)", "front-matter", block[1])

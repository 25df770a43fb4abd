"""A question's text: as shown on the card, as folded into its identity key, and an
answer that adds nothing to it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from builder.model import (
    Card,
    Diagnostic,
    Diagram,
    Document,
    Formula,
    Node,
    SourceLoc,
    plain_parts,
    plain_text,
    walk_all,
)
from builder.parse.csdnpictures import WRITTEN, as_written
from builder.parse.foldednotes import FOLDED_CODES, ZERO_WIDTH, ZERO_WIDTH_NAME
from builder.parse.footnotes import defines_footnotes
from builder.parse.phrases import asks_outright
from builder.parse.source import CONTROL_CHARS
from builder.support.htmlscan import SafeHTMLParser

# Characters that are invisible or reorder text: stripped from questions and keys
# so that a stray one cannot split a note's identity in two.  Control characters
# too: sources lose them before parsing (builder.parse.source), but keys are also made from
# text that did not come that way, such as the questions in an older lock file.
INVISIBLE: dict[int, str | None] = {
    **dict.fromkeys([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD,
                     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]),
    **CONTROL_CHARS,
}


_ZWJ = "\u200d"


@dataclass(frozen=True, slots=True)
class CardDraft:
    """A question and its answer as the walker closes them, before the card's key can be
    made: the deck in it may be named by a title further down the file."""

    explicit_id: str | None
    question: tuple[Node, ...]
    question_text: str
    answer: tuple[Node, ...]
    section_path: tuple[str, ...]
    loc: SourceLoc
    formulas: tuple[Formula, ...]
    diagrams: tuple[Diagram, ...]
    end_line: int
    tags: tuple[str, ...] = ()

    def card(self, deck: str) -> Card:
        """The card, keyed by its explicit id, else by deck, sections and question."""
        key = (f"id:{self.explicit_id}" if self.explicit_id else
               " / ".join([deck, *self.section_path, normalise_question(self.question_text)]))
        return Card(key, self.explicit_id, self.question, self.question_text, self.answer,
                    self.section_path, self.loc, self.formulas, self.diagrams, self.end_line,
                    self.tags)


def whole_file_only(env: Mapping[str, Any], tagged: bool, document: Document) -> bool:
    """Whether no question of a file may be parsed again alone (``Parts.references``): it
    defines link references or footnotes, which every question may use, or tag lines, which
    tag the questions after them; or it has notes said once for the file
    (``builder.parse.foldednotes``) or part names shown after the card before them
    (``named_repeats``), which a question parsed alone would say or show otherwise."""
    return bool(env.get("references")) or defines_footnotes(env) or tagged \
        or any(d.severity == "note" and d.code in FOLDED_CODES for d in document.diagnostics) \
        or _repeated(card for section in document.sections for card in section.cards)


def _repeated(cards: Iterable[Card]) -> bool:
    seen: set[tuple[tuple[str, ...], str]] = set()
    for card in cards:
        folded = (card.section_path, normalise_question(card.question_text))
        if folded in seen and not asks_outright(card.question_text):
            return True
        seen.add(folded)
    return False


def named_repeats(sections: list[list[CardDraft]], lines: Sequence[str]
                  ) -> list[list[CardDraft]]:
    """The cards of a file's sections, each whose question is a part's name used again
    under the same section (``#### Metrics`` under ``### Feed based system``, again under
    ``### Recommendation system``) shown after the nearest heading above it in the outline
    that the other repeats are not under: ``Feed based system › Metrics``.  When a repeat
    has no such heading (the parts are siblings of the topics they follow: ``# RNN``, ``#
    面试速答模板``, ``# LSTM``, ``# 面试速答模板``), every repeat of that name shows its
    ordinal instead, ``面试速答模板 (2)``: the card before it is a sibling, and read as if
    the part were its.

    Alone, those cards had one front for different answers.  The question text, and so the
    key, stays as written (a repeat's key is numbered, ``duplicate-question`` says so); a
    repeated question that asks is the author's duplicate, left as it is."""
    groups: dict[tuple[tuple[str, ...], str], list[tuple[int, int]]] = {}
    for s, drafts in enumerate(sections):
        for i, draft in enumerate(drafts):
            if not asks_outright(draft.question_text):
                name = normalise_question(draft.question_text)
                groups.setdefault((draft.section_path, name), []).append((s, i))
    repeats = [group for group in groups.values() if len(group) > 1]
    if not repeats:
        return sections
    above = [_headings_above(drafts, lines) for drafts in sections]
    out = [list(drafts) for drafts in sections]
    for group in repeats:
        own = _own_parents([above[s][i] for s, i in group])
        for ordinal, ((s, i), parent) in enumerate(zip(group, own, strict=True), 1):
            draft = sections[s][i]
            line, col = draft.loc.line, draft.loc.col
            out[s][i] = replace(draft, question=(
                (Node("text", text=f"{parent} › ", line=line, col=col), *draft.question)
                if all(own) else
                (*draft.question, Node("text", text=f" ({ordinal})", line=line, col=col))))
    return out


def _own_parents(parents: list[list[str]]) -> list[str]:
    """For each repeat, given the headings above it (nearest first), the nearest that no
    other repeat is under; "" where there is none."""
    under = [[normalise_question(text) for text in texts] for texts in parents]
    shared: dict[str, int] = {}
    for names in under:
        for name in set(names):
            shared[name] = shared.get(name, 0) + 1
    return [next((text for text, name in zip(texts, names, strict=True) if shared[name] == 1),
                 "") for texts, names in zip(parents, under, strict=True)]


_NO_HEADING = 7
"""The outline level of a card that is no heading (a bold line): under every heading."""


def _headings_above(drafts: list[CardDraft], lines: Sequence[str]) -> list[list[str]]:
    """Each card's outline parents among the section's cards, nearest first: the question
    of each card above it written as a heading of a lower level."""
    open_headings: list[tuple[int, str]] = []
    found = []
    for draft in drafts:
        level = _heading_level(lines, draft.loc.line)
        while open_headings and open_headings[-1][0] >= level:
            open_headings.pop()
        found.append([text for _, text in reversed(open_headings)])
        if level < _NO_HEADING:
            open_headings.append((level, draft.question_text))
    return found


def _heading_level(lines: Sequence[str], line: int) -> int:
    """The level of the heading a card's question is on (1-based line), else ``_NO_HEADING``."""
    if not 0 < line <= len(lines):
        return _NO_HEADING
    text = lines[line - 1].lstrip(" ")
    marks = len(text) - len(text.lstrip("#"))
    if 0 < marks < _NO_HEADING and text[marks:marks + 1] in ("", " ", "\t"):
        return marks
    under = lines[line].strip() if line < len(lines) else ""
    if under and set(under) <= {"="}:
        return 1
    return 2 if len(under) >= 2 and set(under) <= {"-"} else _NO_HEADING


def readable_text(inline: tuple[Node, ...]) -> str:
    """A heading's words without its inline HTML tags (``<a name>`` anchors, ``<font
    color>``): what names a question's identity, a section's subdeck and tag.  A heading
    of nothing but tags keeps them as typed, so that it still says something.  CSDN's
    failed copies count as the text they were written as (``as_written``)."""
    if any(node.attr(WRITTEN) for node in walk_all(inline)):
        inline = as_written(inline)
    return plain_text(inline, with_tags=False) or plain_text(inline)


class _Words(SafeHTMLParser):
    """The text of an HTML fragment, a line break tag read as a space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append(" ")

    def handle_entityref(self, name: str) -> None:
        self.parts.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.parts.append(f"&#{name};")


def untagged(question: str) -> str:
    """A question text from an older lock as ``readable_text`` reads it now: older builds
    kept a heading's inline tags in its text, and their notes must still be found."""
    if "<" not in question:
        return question
    words = _Words()
    words.feed(question)
    words.close()
    return "".join(words.parts).strip() or question


def shown_question_text(text: str) -> str:
    """Remove invisible and reordering characters from a question as shown, but keep a
    zero-width joiner beside a pictograph: emoji sequences (👩‍💻) are made with it.

    Keys fold the joiner away all the same (``normalise_question``)."""
    if _ZWJ not in text:
        return text.translate(INVISIBLE)
    kept = []
    for index, char in enumerate(text):
        neighbours = text[index - 1:index] + text[index + 1:index + 2] if index else text[1:2]
        if char == _ZWJ and any(unicodedata.category(near) == "So" for near in neighbours):
            kept.append(char)
        else:
            kept.append(char.translate(INVISIBLE))
    return "".join(kept)


def has_invisible(text: str) -> bool:
    """Whether ``shown_question_text`` would take anything out of ``text``."""
    return _INVISIBLE_CHARS.search(text) is not None and shown_question_text(text) != text


def invisible_in_name(loc: SourceLoc, *names_and_kind: str) -> list[Diagnostic]:
    """A warning at ``loc`` if a deck or tag name (the last argument says which) holds
    characters ``builder.anki.html.inert_name`` leaves out (a note if they are all
    zero-width: ``builder.parse.foldednotes``)."""
    *names, kind = names_and_kind
    if not any(map(has_invisible, names)):
        return []
    if not _reorders(names):
        return [Diagnostic(loc, "note", ZERO_WIDTH_NAME, "invisible-chars")]
    return [Diagnostic(loc, "warning", "invisible or text-direction characters left out of "
                       f"the {kind} names Anki shows", "invisible-chars")]


def invisible_in_question(loc: SourceLoc, before: Iterable[str]) -> list[Diagnostic]:
    """What to say of a question whose shown text lost characters ``before`` had: a
    warning if any could reorder or hide text, else a note (``builder.parse.foldednotes``)."""
    if not _reorders(before):
        return [_zero_width_at(loc)]
    return [Diagnostic(loc, "warning", "invisible or text-direction characters removed "
                       "from the question", "invisible-chars")]


# Zero-width spaces, joiners and byte-order marks come with text copied from web pages
# (CSDN, Zhihu) and from editors; they change nothing a reader sees once removed.  Text
# direction marks and overrides can make a name read as something else (``exe.png``).
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _reorders(texts: Iterable[str]) -> bool:
    return any(ord(char) in INVISIBLE and char not in _ZERO_WIDTH
               for text in texts for char in text)


def _zero_width_at(loc: SourceLoc) -> Diagnostic:
    return Diagnostic(loc, "note", ZERO_WIDTH, "invisible-chars")


def normalise_question(text: str) -> str:
    """Fold a question to the form its identity is computed from."""
    text = drop_invisible(unicodedata.normalize("NFKC", text))
    return " ".join(text.split()).casefold()


_INVISIBLE_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(INVISIBLE)) + "]")


def drop_invisible(text: str) -> str:
    """``text.translate(INVISIBLE)``, about twenty times faster on a long text with none of
    them (translate looks up every character): every new answer is folded for its sketch."""
    return _INVISIBLE_CHARS.sub(_replacement, text)


def _replacement(found: re.Match[str]) -> str:
    return INVISIBLE[ord(found.group())] or ""


_LEFT_OUT = "is left out of the deck"
_KEPT = "is kept (--keep-empty)"


def empty_answer_fate(kept: bool) -> str:
    """What becomes of a question with an empty answer, in the build's own words."""
    return _KEPT if kept else _LEFT_OUT


def answer_diagnostics(card: Card, placeholder: str | None = None) -> list[Diagnostic]:
    """Warn about an answer that is empty, only a placeholder, or only the question again.

    An empty answer is said to be left out of the deck, as it is by default; a build
    that keeps it rewords the warning (``with_empty_kept``)."""
    if card.is_empty and placeholder is not None:
        return [Diagnostic(card.loc, "warning",
                           f"empty answer: '{card.question_text}' only holds the placeholder "
                           f"'{placeholder}' and {_LEFT_OUT}", "empty-answer",
                           end_line=card.end_line)]
    if card.is_empty:
        return [Diagnostic(card.loc, "warning",
                           f"empty answer: '{card.question_text}' {_LEFT_OUT}",
                           "empty-answer")]
    question = normalise_question(card.question_text)
    if _more_than_repeats(plain_parts(card.answer), question):
        return []
    answer = normalise_question(plain_text(card.answer))
    if answer and question and _strip_numbering(answer) in (question, question.rstrip("?？")):
        href = _only_link(card.answer)
        said = (f"answer is only a link ({href[:80]}) whose text repeats the question "
                f"'{card.question_text}': the card holds nothing the link does not"
                if href else f"answer only repeats the question '{card.question_text}'")
        return [Diagnostic(card.loc, "warning", said, "answer-repeats-question")]
    return []


_AROUND_LINKS = ("paragraph", "bullet_list", "ordered_list", "list_item", "softbreak",
                 "hardbreak", "strong", "em")


def _only_link(answer: tuple[Node, ...]) -> str | None:
    """The address of the one link an answer holds besides blank text (a chat's share link
    under its topic), or None when it holds anything else."""
    hrefs: list[str] = []
    pending = list(answer)
    while pending:
        node = pending.pop()
        if node.kind == "link":
            hrefs.append(dict(node.attrs).get("href", ""))
        elif node.kind == "text" and not node.text.strip():
            continue
        elif node.kind in _AROUND_LINKS:
            pending.extend(node.children)
        else:
            return None
    return hrefs[0] if len(hrefs) == 1 else None


def with_empty_kept(diagnostics: Iterable[Diagnostic], kept: bool) -> list[Diagnostic]:
    """``diagnostics`` as a build reports them that keeps empty answers when ``kept``
    (``--keep-empty``): an empty answer is still warned about, but not as left out."""
    return [replace(d, message=d.message.removesuffix(_LEFT_OUT) + _KEPT)
            if kept and d.code == "empty-answer" and d.message.endswith(_LEFT_OUT) else d
            for d in diagnostics]


_STABLE_RUNS = re.compile(r"[A-Za-z\u4e00-\u9fff]+")
"""Latin letters and CJK ideographs: each stays one character, no numbering, space or
invisible one, through ``normalise_question``, and no neighbour composes with it."""


def _more_than_repeats(answer_parts: Iterable[str], question: str) -> bool:
    """Whether an answer (its plain text's pieces) holds more letters and ideographs than
    the folded question has characters: folded, it cannot be the question again (a cheap
    test first, as folding a whole answer costs six times this).  Read piece by piece up
    to the one that settles it, most often the first: the letters of a text are those of
    its pieces, and its ends' spaces are none."""
    stable = 0
    for part in answer_parts:
        stable += len(part) - len(_STABLE_RUNS.sub("", part))
        if stable > len(question):
            return True
    return False


def _strip_numbering(text: str) -> str:
    return text.lstrip("0123456789.)、） ").strip()

"""The one data model every stage of build-deck reads.

The parser produces a :class:`Document`; the asset stage, the deck writer and the PDF
writer only read it.  Everything here is a frozen dataclass built complete by the parser,
so no stage ever sees a half-filled object.  Standard library only.

Shape::

    Document ── sections ──> Section ── cards ──> Card
                                                 ├─ question: inline Nodes
                                                 ├─ answer:   block Nodes
                                                 ├─ formulas: Formula (each with a SourceLoc)
                                                 └─ diagrams: Diagram (each with a SourceLoc)
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, Literal, TypeVar

Severity = Literal["error", "warning", "note"]
"""``error``: the deck cannot be built as written; ``warning``: something is lost or wrong;
``note``: nothing is lost, but something went where the author may not expect (such as
text shown in the PDF only).  Only errors and warnings count for ``--strict``."""


class _Record:
    """Base of every model class: pickles as a constructor call.

    Parsed documents cross process boundaries and live in the parse cache as pickles.
    The default pickling of a slotted dataclass goes through ``dataclasses.fields`` for
    every object; calling the constructor instead loads a large document about 2.5×
    faster.  Every field is a positional ``__init__`` argument (``__match_args__``).
    """

    __slots__ = ()
    __match_args__: ClassVar[tuple[str, ...]]

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        cls = type(self)
        fields = _FIELDS.get(cls)
        if fields is None:  # one getter per class, which reads every field in C
            fields = _FIELDS[cls] = operator.attrgetter(*cls.__match_args__)
        return cls, fields(self)


_FIELDS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
"""Each model class's fields, read at once (a tuple: every class has more than one)."""

_R = TypeVar("_R", bound=_Record)


def _quick_init(cls: type[_R]) -> type[_R]:
    """Give a frozen slotted dataclass an ``__init__`` that stores each field through its
    slot, with the dataclass's signature and defaults (assignment stays refused).

    A frozen dataclass's own looks up and calls ``object.__setattr__`` for every field:
    twice the cost of storing through the slots, and a cold build of 2,000 questions
    makes 50,000 nodes (loading its parse cache, as many again).
    """
    if hasattr(cls, "__post_init__"):  # which this ``__init__`` would not call
        raise TypeError(f"{cls.__name__}: a __post_init__ needs the dataclass's __init__")
    namespace: dict[str, Any] = {}
    parameters, body = [], []
    for item in fields(cls):  # type: ignore[arg-type]  # (a dataclass: see the decorators)
        if item.default_factory is not MISSING or not item.init:
            raise TypeError(f"{cls.__name__}.{item.name}: only plain defaults are supported")
        namespace[f"_set_{item.name}"] = getattr(cls, item.name).__set__  # the slot's
        parameters.append(item.name if item.default is MISSING
                          else f"{item.name}=_default_{item.name}")
        namespace[f"_default_{item.name}"] = item.default
        body.append(f"    _set_{item.name}(self, {item.name})\n")
    exec(f"def __init__(self, {', '.join(parameters)}):\n{''.join(body)}", namespace)
    namespace["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    namespace["__init__"].__annotations__ = cls.__init__.__annotations__
    cls.__init__ = namespace["__init__"]  # type: ignore[method-assign]
    return cls


@_quick_init
@dataclass(frozen=True, slots=True)
class SourceLoc(_Record):
    """A place in a source file, printed the way compilers and editors expect."""

    path: str
    """The file as the user named it (relative paths stay relative)."""
    line: int
    """1-based line number."""
    col: int = 1
    """1-based column number."""

    def __str__(self) -> str:
        # One line whatever the file is called: editors and tools read ``path:line:col``.
        return f"{one_line(self.path)}:{self.line}:{self.col}"


@_quick_init
@dataclass(frozen=True, slots=True)
class Diagnostic(_Record):
    """An error, warning or note about the sources, tied to where it was found."""

    loc: SourceLoc
    """Where the problem starts."""
    severity: Severity
    message: str
    """What is wrong and how to fix it, in one line."""
    code: str
    """Short stable identifier, e.g. ``empty-answer``; users silence diagnostics by it."""
    end_line: int = 0
    """Last source line (1-based, inclusive) of the lines the diagnostic is about, when it
    names a range starting at ``loc.line`` (text left out of the deck, say); 0 when it is
    about ``loc`` alone."""

    def __str__(self) -> str:
        return f"{self.loc}: {self.severity}: {self.message.translate(_ESCAPES)} [{self.code}]"


_ESCAPES = {c: f"\\u{c:04x}" for c in (*range(32), *range(127, 160))}
"""A control character quoted in a message (OSC 52 from a pyproject.toml) shows as its escape."""


def one_line(text: str) -> str:
    """Quote text for a diagnostic, which is one line: a line break or other unprintable
    character hidden in it (in a URL, say) is shown as its ``\\uXXXX`` escape."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


@_quick_init
@dataclass(frozen=True, slots=True)
class Formula(_Record):
    """A TeX formula from a ``$…$`` (inline) or ``$$…$$`` (display) math token.

    Equality ignores ``loc``: the same formula written twice is one asset.
    """

    tex: str
    """The TeX between the delimiters, stripped."""
    display: bool
    """True for ``$$…$$`` (a display formula), even when it stands inside a paragraph."""
    loc: SourceLoc = field(compare=False, hash=False, repr=False)
    """Where the formula's TeX starts."""


@_quick_init
@dataclass(frozen=True, slots=True)
class Diagram(_Record):
    """A fenced ``diagram`` block: a generated figure described by parameters.

    ``params`` holds the YAML body minus ``type``; ``canonical`` is a stable JSON
    text of kind + params, used for equality and for naming the rendered image.
    """

    kind: str
    """The diagram type (``type:`` in the YAML)."""
    params: tuple[tuple[str, object], ...] = field(compare=False, hash=False)
    """Parameter values may be YAML lists, so equality goes by ``canonical``."""
    canonical: str
    loc: SourceLoc = field(compare=False, hash=False, repr=False)
    """The opening line of the ``diagram`` fence."""

    def param_dict(self) -> dict[str, object]:
        return dict(self.params)


@_quick_init
@dataclass(frozen=True, slots=True)
class Node(_Record):
    """One element of an answer or question, after markdown-it parsing.

    ``kind`` names the element, following markdown-it's token types without the
    ``_open``/``_close`` suffix:

    * blocks: ``paragraph``, ``heading``, ``bullet_list``, ``ordered_list``, ``list_item``
      (attr ``task``: ``todo`` or ``done`` for a GFM task item), ``blockquote``, ``code_block``
      (``text`` = code, attr ``lang``), ``math_block``, ``diagram``, ``table``, ``thead``,
      ``tbody``, ``tr``, ``th``, ``td``, ``hr``, ``html_block``, ``footnote_def`` (attr ``label``;
      a footnote's blocks), ``footnotes`` (the ``footnote_def`` a card cites, at its end);
    * inlines: ``text``, ``strong``, ``em``, ``s``, ``mark`` (``==highlighted==``), ``code_inline``,
      ``math_inline``, ``link`` (attr ``href``), ``image`` (attrs ``src``,
      ``alt``), ``softbreak``, ``hardbreak``, ``html_inline``, ``footnote_ref`` (attr
      ``label``), ``footnote_inline`` (an inline footnote ``^[…]`` as parsed, children: the
      note; the parser makes each a numbered ``footnote_ref`` and ``footnote_def``).

    A ``callout`` node's fields: ``children`` are its ``callout_title`` (when it has a
    title: one written, or its type's name, ``Note``) and then its body's blocks;
    ``attrs`` are ``type`` (the type as written, lower case: ``note``, ``faq``,
    ``details``, any word), ``fold`` (``""`` not foldable, ``"-"`` folded, ``"+"``
    foldable and shown open) and ``syntax`` (``alert`` for ``> [!type]``, ``container``
    for ``:::``, ``admonition`` for ``!!!``/``???``); ``line`` to ``end_line`` take in
    its marker lines.
    """

    kind: str
    children: tuple[Node, ...] = ()
    text: str = ""
    """Literal content: text, code, raw HTML."""
    attrs: tuple[tuple[str, str], ...] = ()
    """Element attributes such as ``href``, ``src``, ``alt``, ``lang``, ``start``, ``level``."""
    line: int = 0
    """1-based source line where the node starts, inline nodes' too (0 only for a node
    made up outside the parser, such as a padding table cell)."""
    formula: Formula | None = None
    """Set on ``math_inline`` and ``math_block`` nodes."""
    diagram: Diagram | None = None
    """Set on ``diagram`` nodes."""
    col: int = 0
    """1-based source column where the node starts: an inline node's first character
    (``![`` of an image, ``$`` of a formula), a block's first non-blank character on its
    line; 0 with ``line``."""
    end_line: int = 0
    """Last source line (1-based, inclusive) of a block node, from markdown-it's map
    (a closing code fence included); 0 for inline nodes."""

    def attr(self, name: str, default: str = "") -> str:
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    def walk(self) -> Iterator[Node]:
        """Yield this node and all its descendants, depth first, in document order."""
        return walk_all((self,))


def walk_all(nodes: tuple[Node, ...]) -> Iterator[Node]:
    """Yield every node in a sequence of trees, in document order."""
    # One generator and a stack of the sequences being walked: a generator per level
    # (``yield from`` down the tree) resumed every level for every node cost a cold build
    # of 2,000 questions a tenth of a second over the six walks the checks make.
    stack = [iter(nodes)]
    while stack:
        for node in stack[-1]:
            yield node
            if node.children:
                stack.append(iter(node.children))
                break
        else:
            stack.pop()


def plain_text(nodes: tuple[Node, ...], *, with_tags: bool = True) -> str:
    """Return the readable text of inline nodes (math keeps its TeX; an inline footnote's
    note left out).  ``with_tags=False`` leaves inline HTML tags out, a line break tag
    read as a space: the words a reader sees, for names and identity keys."""
    return "".join(plain_parts(nodes, with_tags=with_tags)).strip()


def plain_parts(nodes: tuple[Node, ...], *, with_tags: bool = True) -> Iterator[str]:
    """``plain_text``'s pieces in order, unstripped: for a reader that may stop early."""
    notes: set[int] = set()  # the nodes of inline footnotes: a note is not the text's
    for node in walk_all(nodes):
        if node.kind == "footnote_inline" or id(node) in notes:
            notes.update(id(child) for child in node.children)
        elif node.kind == "html_inline" and not with_tags:
            if node.text[:3].lower() == "<br" and node.text[3:4] in (">", "/", " ", "\t", "\n"):
                yield " "
        elif node.kind in ("text", "code_inline", "math_inline", "html_inline"):
            yield node.text
        elif node.kind in ("softbreak", "hardbreak"):
            yield " "


@_quick_init
@dataclass(frozen=True, slots=True)
class Card(_Record):
    """One question with its answer: one Anki note and one entry in the cheat sheet."""

    key: str
    """Stable identity: deck, section path and normalised question, or an explicit id."""
    explicit_id: str | None
    """The author's own id (``{#id}`` after the heading text), when given."""
    question: tuple[Node, ...]
    """Inline nodes of the question heading, markup kept."""
    question_text: str
    """The question as plain text."""
    answer: tuple[Node, ...]
    """Block nodes of the answer, up to the next heading of the same or a higher level."""
    section_path: tuple[str, ...]
    """Titles of the enclosing section headings, outermost first."""
    loc: SourceLoc
    """The question heading's location."""
    formulas: tuple[Formula, ...] = ()
    """Every formula of the question and answer, in document order."""
    diagrams: tuple[Diagram, ...] = ()
    """Every diagram of the answer, in document order."""
    end_line: int = 0
    """Last source line (1-based, inclusive) of the card: its answer's last block, or its
    question heading when the answer is empty; 0 when not known."""
    tags: tuple[str, ...] = ()
    """Tags of its own (an Obsidian tag line above it), ``/`` parting a hierarchy."""

    @property
    def is_empty(self) -> bool:
        return not self.answer


@_quick_init
@dataclass(frozen=True, slots=True)
class Section(_Record):
    """A run of questions under one section heading (or before any, with an empty path)."""

    path: tuple[str, ...]
    """Titles of the section headings above it, outermost first; empty before any."""
    loc: SourceLoc
    """The section heading's location, else its first question's (or first block's)."""
    cards: tuple[Card, ...]
    intro: tuple[Node, ...] = ()
    """Block nodes between the section heading (or the start of the file) and the first
    question: shown in the PDF above the section's questions, in no card."""
    formulas: tuple[Formula, ...] = ()
    """The formulas of ``intro``, in document order (the PDF draws them)."""
    diagrams: tuple[Diagram, ...] = ()
    """The diagrams of ``intro``, in document order."""


@_quick_init
@dataclass(frozen=True, slots=True)
class TocEntry(_Record):
    """One line of the ``<!-- TOC -->`` block."""

    text: str
    anchor: str
    """The link target without ``#``."""
    depth: int
    """0 for top-level bullets, 1 for the next indent, and so on."""
    loc: SourceLoc


@_quick_init
@dataclass(frozen=True, slots=True)
class Settings(_Record):
    """Per-document settings, from front matter over command-line defaults."""

    deck: str
    """The Anki deck name (``::`` allowed for a parent deck)."""
    title: str
    """Title shown on the cheat sheet."""
    tags: tuple[str, ...] = ()
    section_level: int = 2
    """Heading level of sections as this file is read (set, or detected: see ``structure``)."""
    question_level: int = 3
    """Heading level of questions as read; 0 for a file that is one question, 7 for bold
    questions (``builder.parse.detect``)."""
    breaks: bool = True
    ignore: tuple[str, ...] = ()
    """Diagnostic codes silenced for this file (front matter ``ignore:``)."""
    structure: str = ""
    """How the file's questions were found, in a few words (``sections ##, questions ###``)."""
    lang: str = "zh"
    """``zh`` or ``en``: the language of the words build-deck adds (diagram labels, the PDF's
    fixed words), from front matter ``lang:`` or guessed from the text (builder.parse.language)."""
    source_line: str = "show"
    """``show`` or ``hide``: whether cards show where in the notes they come from."""


@_quick_init
@dataclass(frozen=True, slots=True)
class Heading(_Record):
    """Any heading of a document, answers' included: what a table of contents links to."""

    level: int
    text: str
    """The heading as plain text (math as ``$…$``; an explicit ``{#id}`` left out)."""
    anchor: str
    """GitHub's anchor for it, without ``#``, unique in the document (see builder.parse.slug)."""
    loc: SourceLoc


@_quick_init
@dataclass(frozen=True, slots=True)
class Document(_Record):
    """One parsed Markdown file."""

    path: str
    """The file as the user named it (as in every ``SourceLoc`` of the document)."""
    settings: Settings
    toc: tuple[TocEntry, ...]
    """The entries of its ``<!-- TOC -->`` block, if it has one."""
    sections: tuple[Section, ...]
    """Sections with questions or an introduction, in document order."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """What the parser found wrong or worth telling (checks add theirs later), by line
    and column; those of one place in the order found."""
    headings: tuple[Heading, ...] = ()
    """Every heading in document order, with its GitHub anchor."""
    toc_lines: tuple[int, ...] = ()
    """1-based lines of the blocks read as a hand-written table of contents (a ``[TOC]``
    marker, a list of links under "目录"): never a card, and nothing lost."""
    toc_marked: bool = False
    """The file has a closed ``<!-- TOC -->`` … ``<!-- /TOC -->`` block (its entries are
    ``toc``), which the checks compare with the headings."""
    section_headings: tuple[Node, ...] = ()
    """The title and section headings as ``heading`` nodes, in document order: in no card
    (a question heading is its card's ``question``; an answer holds its own headings)."""

    @property
    def cards(self) -> tuple[Card, ...]:
        return tuple(card for section in self.sections for card in section.cards)

"""Nothing is lost silently: every non-blank line of every fixture is accounted for.

Over every ``tests/fixtures/*.md`` (fixtures added later included), each non-blank
source line must be

* inside a card: from its question heading to the last line of its answer;
* in a section's introduction (shown in the PDF);
* a heading the deck or PDF shows: a section title or the file's title;
* front matter (as the builder cuts it: see builder.parse.frontmatter_cut), the
  ``<!-- TOC -->`` block, a line the parser read as a TOC entry, or a block it read as a
  hand-written TOC (``[TOC]``, a list of links under "目录");
* a link reference definition (markdown-it keeps no token for one: links use it);
* an HTML comment block, hidden by its author (shown nowhere, as on GitHub), or a
  paragraph of empty anchors (Yuque's ``<a name="ZK5qn"></a>``: shown nowhere either);
* or inside the lines a diagnostic names (``loc.line`` to ``end_line``).

Which lines hold content comes from markdown-it's own parse (the project's parser
settings, without the repair of runaway fences and front matter), not from the parser's
claims; headings and front matter are read from the builder's tokens (with those
repairs, each of which is reported). Each card's and each introduction's claimed lines
are checked against the blocks markdown-it finds there.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.build.sourceparse import parse_source
from builder.model import Document, Node
from builder.parse.document import ParseOptions, parse_text
from builder.parse.markdown import make_parser, tokenize
from builder.parse.source import source_lines
from builder.parse.taglines import tag_line
from builder.parse.tocread import TOC_END, TOC_START
from tests.conftest import FIXTURES, write

FIXTURE_FILES = sorted(FIXTURES.glob("*.md"))


def _top_blocks(tokens: list[Token], lines: list[str], *, nested: bool = False
                ) -> Iterator[tuple[int, int]]:
    """Yield the 1-based first and last non-blank line of each top-level block (with
    ``nested``, of every block)."""
    for token in tokens:
        if (token.level == 0 or nested) and token.map and token.nesting >= 0:
            last = token.map[1]
            while last > token.map[0] + 1 and not lines[last - 1].strip():
                last -= 1
            yield token.map[0] + 1, last


def _span(node: Node) -> tuple[int, int]:
    return node.line, node.end_line


def _heading_texts(tokens: list[Token]) -> dict[tuple[int, int], str]:
    """Map each top-level heading's lines (a setext one has two) to its letters and digits
    (a footnote citation is markup: its note is accounted for where it is defined; so is
    an inline HTML tag, which names leave out)."""
    return {(t.map[0] + 1, t.map[1]): _letters("".join(
                c.content for c in tokens[i + 1].children or []
                if c.type not in ("footnote_ref", "html_inline")))
            for i, t in enumerate(tokens) if t.type == "heading_open" and t.level == 0 and t.map}


def _letters(text: str) -> str:
    """Compare heading texts by letters and digits: markup such as `code` is no difference."""
    return "".join(char for char in text if char.isalnum())


def unaccounted(path: Path) -> list[str]:
    """Return each non-blank line of ``path`` that nothing accounts for, as 'line: text'."""
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    lines = source_lines(text)
    parsed = parse_source(path, path.name, ParseOptions())
    doc = parsed.document
    assert doc is not None
    env: dict[str, object] = {}
    plain = make_parser().parse(text, env)
    repaired = tokenize(text)  # the blocks the builder reads (runaway fences and front matter cut)
    if not doc.cards:
        # The whole file is named by `no-questions`: honestly only if it has no question
        # heading that something swallowed.
        return [f"{line}: {lines[line - 1]}" for line, level in _heading_levels(plain).items()
                if level == doc.settings.question_level]
    covered: set[int] = set()
    for diagnostic in parsed.diagnostics:
        covered.update(range(diagnostic.loc.line, max(diagnostic.end_line, diagnostic.loc.line)
                             + 1))
    for card in doc.cards:
        assert card.end_line >= card.loc.line, card.question_text
        covered.update(range(card.loc.line, card.end_line + 1))
    for section in doc.sections:
        for node in section.intro:
            covered.update(range(node.line, node.end_line + 1))
    for first, last in _footnotes_shown(doc):  # shown in the cards citing them
        covered.update(range(first, last + 1))
    shown = {_letters(doc.settings.title), _letters(doc.settings.deck)}
    shown.update(_letters(part) for section in doc.sections for part in section.path)
    for (first, last), heading in _heading_texts(repaired).items():
        if heading in shown:
            covered.update(range(first, last + 1))
    # Front matter as the builder reads it: a plain parse lets a later rule close it.
    covered.update(_front_matter_and_toc(repaired))
    covered.update(entry.loc.line for entry in doc.toc)  # a TOC the parser recognised
    covered.update(doc.toc_lines)  # a hand-written one: `[TOC]`, links under "目录"
    for token in plain:
        if token.type == "html_block" and token.map and _one_comment(token.content):
            covered.update(range(token.map[0] + 1, token.map[1] + 1))
    for block in SyntaxTreeNode(plain).children:
        if block.type == "paragraph" and block.map and _empty_anchors(block):
            covered.update(range(block.map[0] + 1, block.map[1] + 1))
    # A tag line (``#flashcards/HCI``, ``#rl``) is the tags of cards: accounted for there.
    tagged = {tag for card in doc.cards for tag in card.tags}
    for block in SyntaxTreeNode(plain).children:
        tags = tag_line(block)
        if tags and block.map and set(tags) <= tagged:
            covered.update(range(block.map[0] + 1, block.map[1] + 1))
    # A rule that opens a card between rules (markdown-flashcards), or one that closes a
    # card's answer (a tagged line's card runs "up to the rule"), is markup, no words.
    starts = {card.loc.line for card in doc.cards}
    ends = {card.end_line for card in doc.cards}
    top = SyntaxTreeNode(plain).children
    for block, after in pairwise(top):
        if block.type == "hr" and block.map and after.map and any(
                after.map[0] < start <= after.map[1] for start in starts):
            covered.update(range(block.map[0] + 1, block.map[1] + 1))
    for before, block in pairwise(top):
        if block.type == "hr" and block.map and before.map and before.map[1] in ends:
            covered.update(range(block.map[0] + 1, block.map[1] + 1))
    in_blocks: set[int] = set()
    for first, last in _top_blocks(plain, lines):
        in_blocks.update(range(first, last + 1))
    missing = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or number in covered:
            continue
        if number not in in_blocks and not make_parser().parse(line, dict(env)):
            continue  # a link reference definition: markdown-it keeps no token for it
        missing.append(f"{number}: {line}")
    return missing


def _footnotes_shown(doc: Document) -> set[tuple[int, int]]:
    """The lines of each footnote definition a card or introduction cites."""
    holders = [*(card.answer for card in doc.cards), *(s.intro for s in doc.sections)]
    return {_span(note) for nodes in holders for node in nodes if node.kind == "footnotes"
            for note in node.children if not note.attr("inline")}  # ^[…]: in its paragraph


def _empty_anchors(paragraph: SyntaxTreeNode) -> bool:
    parts = paragraph.children[0].children if paragraph.children else []
    tags = [p.content.strip().lower() for p in parts if p.type == "html_inline"]
    rest = [p for p in parts if p.type not in ("html_inline", "softbreak")]
    return bool(tags) and not any(p.content.strip() for p in rest) and all(
        tag == "</a>" or (tag.startswith("<a ") and "href" not in tag) for tag in tags)


def _one_comment(html: str) -> bool:
    text = html.strip()
    return text.startswith("<!--") and text.endswith("-->") and "-->" not in text[:-3]


def _heading_levels(tokens: list[Token]) -> dict[int, int]:
    """Map each top-level heading's line to its level (a nested one is never a question)."""
    return {t.map[0] + 1: int(t.tag[1:]) for t in tokens
            if t.type == "heading_open" and t.level == 0 and t.map}


def _front_matter_and_toc(tokens: list[Token]) -> set[int]:
    lines: set[int] = set()
    start: int | None = None
    for token in tokens:
        if token.type == "front_matter" and token.map:
            lines.update(range(token.map[0] + 1, token.map[1] + 1))
        if token.type == "html_block" and token.level == 0 and token.map:
            marker = token.content.strip()
            if marker == TOC_START:
                start = token.map[0] + 1
            elif marker == TOC_END and start is not None:
                lines.update(range(start, token.map[1] + 1))
                start = None
    return lines


def claims_match_blocks(path: Path) -> list[str]:
    """Check each card's and introduction's lines against the blocks markdown-it finds there.

    The answer's top-level blocks must be exactly the blocks after the question heading up
    to the card's last line; an introduction's, exactly its own nodes.
    """
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    doc = parse_source(path, path.name, ParseOptions()).document
    assert isinstance(doc, Document)
    tokens = tokenize(text)
    blocks = list(_top_blocks(tokens, source_lines(text)))
    starts = set(_heading_levels(tokens))  # questions that are top-level headings
    problems = []
    moved = _footnotes_shown(doc)
    separators = {(number, number) for number, line in enumerate(text.splitlines(), 1)
                  if line.strip() == "%"}
    for card in doc.cards:
        # A heading that only numbers its question ("## Question 1") asks the bold line
        # below it: that block is the question's, its rest the answer's.
        asked_below = any(n.line > card.loc.line for n in card.question)
        if card.loc.line not in starts or not card.answer or asked_below:
            # A bold question inside a list or paragraph shares its top-level block with
            # its answer; an answer that was only a placeholder is named by `empty-answer`.
            if any(not card.loc.line <= n.line <= n.end_line <= card.end_line
                   for n in card.answer):
                problems.append(f"card at line {card.loc.line}: answer outside its lines")
            continue
        # Footnotes cited: shown at the answer's end, taken from where they are written.
        # A table of contents inside an answer is left out of it (and noted).
        # A paragraph '%' (mdanki's front/back separator) is markup, in neither side.
        # So are the lines that tag it (mdanki's tag links, ankdown's third field).
        inside = [b for b in blocks if card.loc.line < b[0] <= card.end_line
                  and b not in moved and b[0] not in doc.toc_lines and b not in separators
                  and not (card.tags and _tags_the_card(text, b))]
        own = [_span(n) for n in card.answer if n.kind != "footnotes"]
        if inside != own:
            problems.append(f"card at line {card.loc.line}: blocks {inside} != answer {own}")
    # An outline holding cards tagged #card is cut into its items, and a paragraph into
    # the lines above its tagged line and the card, or into its lines (NeuraCache's micro
    # cards): those parts are the source's too.
    parts = set(_top_blocks(tokens, source_lines(text), nested=True))
    for section in doc.sections:
        for node in section.intro:
            span = _span(node)
            if node.kind != "footnotes" and span not in blocks and span not in parts \
                    and not any(b[0] <= span[0] <= span[1] <= b[1] for b in blocks):
                problems.append(f"intro block {span} is not a block of the source")
    return problems


def _tags_the_card(text: str, block: tuple[int, int]) -> bool:
    """Whether the source lines of ``block``, a card's third field or a line of tag links
    by themselves, are read as that card's tags, not its answer."""
    written = "\n".join(text.splitlines()[block[0] - 1:block[1]])
    card = parse_text(f"## Q\n\n%\n\nA\n\n%\n\n{written}\n", "t.md").cards[0]
    return len(card.answer) == 1 and bool(card.tags)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.name for p in FIXTURE_FILES])
def test_every_non_blank_line_is_accounted_for(path: Path) -> None:
    assert unaccounted(path) == []


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.name for p in FIXTURE_FILES])
def test_card_and_intro_lines_are_the_blocks_markdown_it_finds(path: Path) -> None:
    assert claims_match_blocks(path) == []


def test_the_fixtures_include_every_pattern_of_lost_text() -> None:
    names = {p.name for p in FIXTURE_FILES}
    assert {"section-intro.md", "preamble.md", "orphan-heading.md", "setext-stray.md",
            "unclosed-fence.md", "unclosed-fence-eof.md", "unclosed-front-matter.md",
            "unclosed-toc.md"} <= names


def test_the_accounting_fails_when_the_parser_drops_text(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """The check itself can fail: with introductions dropped and unreported (as before
    this change), the intro lines of the fixture are unaccounted for."""
    from builder.parse import document as parse

    path = FIXTURES / "section-intro.md"
    assert unaccounted(path) == []
    monkeypatch.setattr(parse.Walker, "_intro_block", lambda self, node: None)
    monkeypatch.setattr(parse, "leftover_diagnostics", lambda *args: [])
    assert [line.split(":")[0] for line in unaccounted(path)] == [
        "3", "4", "8", "10", "11", "23"]


def test_blank_lines_inside_blocks_are_not_content(tmp_path: Path) -> None:
    source = write(tmp_path / "n.md", "## S\n### Q\n```\na\n\nb\n```\n\n\n")
    assert unaccounted(source) == [] and claims_match_blocks(source) == []

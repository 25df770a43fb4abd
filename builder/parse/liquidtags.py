"""Hexo and Jekyll tag blocks: ``{% note info %}`` … ``{% endnote %}`` and friends.

Blogs built with Hexo (NexT, Butterfly themes) or Jekyll write boxes and code with
Liquid/Nunjucks tags, each alone on its line, that the site generator expands before any
Markdown is read::

    {% note info no-icon %}
    **Theorem 1.1** …
    {% endnote %}

    {% codeblock lang:python 示例 %}
    # a comment, not a heading
    print(1)
    {% endcodeblock %}

CommonMark reads the tag lines as text and a code block's lines as Markdown, so a ``#``
comment became a heading (a new question) and the code lost its lines.  A tag line that
has its ``{% endNAME %}`` line further down is read here as a block:

* code tags (``codeblock``, ``code``, ``highlight``, ``mermaid``…) become a fenced code
  block of the language given (``lang:python``, Jekyll's ``{% highlight python %}``), in
  a box titled with Hexo's title (``{% codeblock lang:python quicksort.py %}``) if any;
* ``raw`` (Jekyll's escape for ``{{ }}``) shows its body as it is, unwrapped;
* any other paired tag (``note``, ``blockquote``, ``folding``, ``tabs``…) becomes an
  admonition, which ``builder.parse.callouts`` makes a callout: ``{% note warning %}``
  of type ``warning``, others of the tag's name.

A tag's words are the author's, and none is dropped unseen: those that only style the
box or the code (a note's class, ``no-icon``, Butterfly's ``modern``/``flat``/…, an icon's
``fa-…`` classes, a tab set's active index, ``linenos``, ``key:value`` options such as
``line_number:false``) are left out; every other word is the box's title
(``{% note info 标题 %}`` titled ``标题``, ``{% blockquote 作者, 出处 %}``,
``{% tabs 名称 %}``), and a code block's link (``{% codeblock t lang:x URL 链接文字 %}``)
is a link in its title.

A Hexo ``{% asset_img slug title %}`` alone on its line is the picture ``slug`` of the
post's asset folder (the folder named as the post, beside it): a paragraph of that image,
titled.  Any other tag with no closing line (``{% label x %}``) stays text.
"""

from __future__ import annotations

import bisect
import re
import shlex

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from builder.parse.boxtokens import push_box
from builder.parse.linescan import code_lines, picked_lines

_TAG = re.compile(r"\{%-?\s*([A-Za-z_]\w*)\b([^%\n]*?)\s*-?%\}\s*$")
"""A tag alone on its line (after its indentation): its name, then its arguments."""
CODE_TAGS = frozenset({"codeblock", "code", "highlight", "mermaid", "katex", "latex"})
"""Tags whose body is code, not Markdown."""
NOTE_CLASSES = frozenset({
    "default", "primary", "success", "info", "warning", "danger",  # NexT
    "blue", "pink", "red", "purple", "orange", "green",  # Butterfly's colours
})
"""The first word of a ``note`` tag that names its kind, not its title."""
STYLE_WORDS = frozenset({"no-icon", "simple", "modern", "flat", "disabled", "linenos"})
"""Words that style a box or a code block (NexT, Butterfly, Jekyll): no words of the
author's to show."""
_STYLE_WORD = re.compile(
    r"""['"]?(?:fa[srbld]?|fa-[\w-]+|iconfont|icon-[\w-]+|[a-z_]+:(?!//)\S+|\w+=\S*)['"]?,?""")
"""An icon class (``fa-bullhorn``), an option (``line_number:false``, ``linenos=table``)."""
_TAB_INDEX = re.compile(r"\s*,\s*-?\d+\s*$")
"""The active tab's number after a tab set's name: ``{% tabs 名称, 2 %}``."""
QUOTE_TAGS = frozenset({"blockquote", "pullquote", "cq", "centerquote", "quote"})
UNWRAPPED = frozenset({"raw"})
MARKER = "{%"
MAX_SCANNED = 256
"""Tag lines looked at after a tag for its closing one: thousands of unclosed tags must
not make the parse quadratic (real tags nest a level or two)."""
_TAG_LINES = "liquid_tag_lines"
"""markdown-it ``env`` key: (the source, its lines that are tags alone, with names)."""
_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")
ASSET_TAGS = frozenset({"asset_img", "asset_image"})
"""Hexo tags showing a picture of the post's asset folder."""
POST_STEM = "post_stem"
"""markdown-it ``env`` key: the notes file's name without its extension (a Hexo post's
asset folder is named so)."""
ASSETS_MET = "hexo_assets_met"
"""markdown-it ``env`` key, set when an asset tag was read: its picture's path depends on
the file's name, which a parse of part of the file may not have."""


def liquid_tags_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "liquid_tag", _liquid_tag,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


def _tag_at(state: StateBlock, line: int) -> tuple[str, str] | None:
    begin = state.bMarks[line] + state.tShift[line]
    if not state.src.startswith(MARKER, begin):
        return None
    found = _TAG.match(state.src, begin, state.eMarks[line])
    return (found[1], found[2].strip()) if found else None


def _liquid_tag(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    opened = _tag_at(state, start_line)
    if opened is None or opened[0].startswith("end"):
        return False
    name, args = opened
    if name.lower() in ASSET_TAGS:
        return _asset_picture(state, start_line, args, silent)
    close = _closing_line(state, start_line, end_line, name)
    if close is None:
        return False
    if silent:
        return True
    if name.lower() in CODE_TAGS:
        _push_code(state, start_line, close, name.lower(), args)
    elif name.lower() in UNWRAPPED:
        _push_body(state, start_line, close)
        state.line = close + 1
    else:
        _push_box(state, start_line, close, name.lower(), args)
    return True


def _closing_line(state: StateBlock, start_line: int, end_line: int, name: str) -> int | None:
    """The line of the ``{% endNAME %}`` closing the tag (same-name tags nest), before
    ``end_line`` and at least as indented as the tag; None when there is none, or (for a
    box) when a heading comes first: a question heading is never swallowed."""
    lines = _tag_lines(state)
    depth = 1
    first = bisect.bisect_right(lines, (start_line, "\uffff"))
    for line, tag in lines[first:first + MAX_SCANNED]:
        if line >= end_line:
            return None
        if tag == name:
            depth += 1
        elif tag == "end" + name:
            depth -= 1
            if depth == 0:
                if state.sCount[line] < state.blkIndent:
                    return None
                if name.lower() not in CODE_TAGS and _heading_between(state, start_line, line):
                    return None
                return line
    return None


def _tag_lines(state: StateBlock) -> list[tuple[int, str]]:
    """Every line that is a tag alone, with the tag's name (``linescan.picked_lines``)."""
    return picked_lines(state, _TAG_LINES, _tag_name_at)


def _tag_name_at(state: StateBlock, line: int) -> str | None:
    if line in code_lines(state):  # a tag a code block shows is no tag
        return None
    tag = _tag_at(state, line)
    return None if tag is None else tag[0]


def _heading_between(state: StateBlock, start: int, end: int) -> bool:
    code = code_lines(state)  # a ``# comment`` in code is no heading
    return any(line not in code and _ATX.match(state.src, state.bMarks[line] + state.tShift[line],
                                               state.eMarks[line])
               for line in range(start + 1, end))


def _code_head(name: str, args: str) -> tuple[str, str]:
    """The language (``lang:python`` in Hexo, ``python`` in Jekyll's ``highlight``, the
    tag's own name for ``mermaid``) and the title (Hexo's other words, a file name, then
    its link: ``[title] [lang:x] [url] [link text]``), as Markdown."""
    words = args.split()
    language = next((w.removeprefix("lang:") for w in words if w.startswith("lang:")), "")
    rest = [w for w in words if not w.startswith("lang:")]
    if name == "highlight" and rest:
        language, rest = rest[0], rest[1:]
    if not language and name in ("mermaid", "katex", "latex"):
        language = name
    url = next((i for i, w in enumerate(rest) if "://" in w), None)
    if url is None:
        return language, _title(rest)
    link = f"[{_escaped(_title(rest[url + 1:]) or rest[url])}](<{rest[url]}>)"
    return language, " ".join(filter(None, (_title(rest[:url]), link)))


def _title(words: list[str]) -> str:
    """The words of a tag that are the author's (``STYLE_WORDS`` and ``_STYLE_WORD`` left
    out), as a title.  A title holding an HTML tag keeps its ``name=value`` words: they are
    the tag's attributes, which the card's sanitiser keeps or reports, not dropped unsaid."""
    html = any("<" in w for w in words)
    return " ".join(w for w in words if w.lower() not in STYLE_WORDS
                    and (html or not _STYLE_WORD.fullmatch(w))).strip(" ,")


def _escaped(text: str) -> str:
    return re.sub(r"([\\\[\]<>])", r"\\\1", text)


def _push_code(state: StateBlock, start_line: int, close: int, name: str, args: str) -> None:
    language, title = _code_head(name, args)

    def fence() -> None:
        token = state.push("fence", "code", 0)
        token.info = language
        token.markup = "```"
        token.content = "".join(
            state.src[state.bMarks[line] + min(state.tShift[line], state.sCount[start_line]):
                      state.eMarks[line]] + "\n"
            for line in range(start_line + 1, close))
        token.map = [start_line, close + 1]

    if title:  # a file name over the code: a box titled with it
        push_box(state, (start_line, close, close + 1), MARKER, "example", title, fence)
    else:
        fence()
        state.line = close + 1


def _push_body(state: StateBlock, start_line: int, close: int) -> None:
    old_line_max = state.lineMax
    state.lineMax = close
    state.md.block.tokenize(state, start_line + 1, close)
    state.lineMax = old_line_max


def _push_box(state: StateBlock, start_line: int, close: int, name: str, args: str) -> None:
    words = (_TAB_INDEX.sub("", args) if name == "tabs" else args).split()
    kind = "quote" if name in QUOTE_TAGS else name
    if name == "note" and words and words[0].lower() in NOTE_CLASSES:
        kind = words.pop(0).lower()
    push_box(state, (start_line, close, close + 1), MARKER, kind, _title(words))


def _asset_picture(state: StateBlock, line: int, args: str, silent: bool) -> bool:
    """``{% asset_img [classes] slug [width] [height] [title] %}`` as a paragraph holding
    the picture ``<post>/slug``; False (text) when no word names a file."""
    try:
        words = shlex.split(args)
    except ValueError:  # an unclosed quote
        words = args.split()
    at = next((i for i, word in enumerate(words) if "." in word.strip(".")), None)
    if at is None or any(c in words[at] for c in "<>\n"):
        return False
    if silent:
        return True
    rest = words[at + 1:]
    while rest and rest[0].isdigit():  # width and height
        rest.pop(0)
    env = state.env if isinstance(state.env, dict) else {}
    env[ASSETS_MET] = True
    folder = env.get(POST_STEM)
    src = f"{folder}/{words[at]}" if folder else words[at]
    title = re.sub(r"([\\\[\]])", r"\\\1", " ".join(rest))
    token = state.push("paragraph_open", "p", 1)
    token.map = [line, line + 1]
    token = state.push("inline", "", 0)
    token.content = f"![{title}](<{src}>)"
    token.map = [line, line + 1]
    token.children = []
    state.push("paragraph_close", "p", -1)
    state.line = line + 1
    return True

"""What a line of notes says, read from its plain text: a question, a placeholder, a TOC.

These are judgements on text already taken out of markdown-it's tokens (never on raw
Markdown): structure detection (``builder.parse.detect``) weighs them over a whole file.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from builder.parse.otherlanguages import (
    asks_in_other_language,
    asks_plainly_in_other_language,
    prompts_in_other_language,
)
from builder.support.cjk import is_cjk

QUESTION_MARKS = ("?", "？")

# Numbering that marks an item of a list of questions: 3.1.2, 1), (3), （3）, 01., 1、,
# Q1, 第3题, Question 2.
_NUMBERED = re.compile(
    r"^\s*(?:"
    r"\d+(?:\.\d+)+\.?(?=\s|\D)"          # 3.1.2 / 1.2.
    r"|\d{1,3}\s*[.)、:：．]"              # 1. 1) 1、 01.
    r"|[(（]\s*\d{1,3}\s*[)）]"            # (3) （3）
    r"|[qQ]\s*\d{1,4}\s*[.:：)、]?"         # Q1 Q1:
    r"|第\s*[0-9一二三四五六七八九十百]+\s*[题问]"  # 第3题
    r"|question\s*\d+"
    r")",
    re.IGNORECASE,
)
# A heading that only numbers its question ("Question 1", "Q3:", "问题 2", "第3题", "7."):
# the question itself is written below it.
_LABEL = re.compile(
    r"^(?:(?:question|problem|exercise|q|问题|题目|题)\s*[#№]?\s*)?\d{1,4}\s*[.:：)、]?$"
    r"|^第\s*[0-9一二三四五六七八九十百]+\s*[题问]$",
    re.IGNORECASE,
)
# The same with a word that says "question": it asks, as "Q:" does (a bare "1." may number
# a section).
_Q_LABEL = re.compile(
    r"^(?:question|problem|exercise|q|问题|题目|题)\s*[#№]?\s*\d{1,4}\s*[.:：)、]?$"
    r"|^第\s*[0-9一二三四五六七八九十百]+\s*[题问]$",
    re.IGNORECASE,
)
_Q_PREFIX = re.compile(r"^\s*(?:q|question|问|问题|题目)\s*[:：]", re.IGNORECASE)
# A heading labelled by the word "Question" and its number asks whatever follows, an
# imperative too ("Question 2: Discuss …"): an author writes that label on questions only
# ("问题 1：" and "Problem 1:" may as well list problems met, and are left out).
# "Q2: …" stays numbered (counted half), as before: read as asking, it re-read files that
# mix "## Q23: …" and "### Q1: …" questions (youssefHosni's, hunt3) at the wrong level.
_WORD_LABELLED = re.compile(
    r"^(?:question|exercise|题目)\s*[#№]?\s*\d{1,4}\s*[.:：)、]\s*\S", re.IGNORECASE)

# Words that open (English) or carry (Chinese) a question or an exam-style prompt.
_EN_OPENERS = frozenset((
    "what", "why", "how", "when", "where", "which", "who", "whom", "whose", "explain",
    "describe", "define", "compare", "contrast", "list", "name", "give", "state", "derive",
    "prove", "implement", "write", "discuss", "is", "are", "can", "could", "does", "do", "did",
    "should", "would", "will", "was", "were", "has", "have"))
# Openers that ask outright, unlike exam imperatives ("Compare …", "List …"), which also
# name the steps of a checklist.
_EN_ASKING = frozenset(("what", "why", "how", "when", "where", "which", "who", "whom", "whose",
                        "is", "are", "can", "could", "does", "do", "did", "should", "would",
                        "will", "was", "were", "has", "have"))
_ZH_ASKING = ("什么", "为什么", "为何", "如何", "怎么", "怎样", "哪些", "哪个", "哪种", "是否",
              "多少", "几种", "吗", "呢", "为啥")
# Spoken forms too: notes typed fast ask "是啥", "有啥缺点", "咋办".  Only where they ask:
# 咋 also writes 令人咋舌, 咋呼 and 咋看之下 (乍看 miswritten), 有啥 没有啥区别 and 有啥说啥,
# 是啥 就是啥也不做.
_ZH_SPOKEN = re.compile(
    r"咋(?:办|样|回事|做|选|就|么|整|弄|用|算|理解|解决|处理|实现|看(?!之下)|写|调|搞|会|能|不|没|才)"
    r"|(?<!没)(?<!要啥)有啥(?!说啥)"
    r"|是啥(?=$|[？?，,]|意思)")
# Exam prompts ("BN的作用", "讲一讲RPN"): questions as headings, but as a bold line inside
# an answer they are as often labels ("**原理**"), so bold lines need more (see bold.py).
_ZH_PROMPTS = ("区别", "不同", "异同", "介绍", "讲一讲", "讲讲", "说一说", "说说", "谈谈", "简述",
               "描述", "解释", "比较", "对比", "作用", "原理", "优缺点", "优势", "作用")
# Headings that name a part of one answer, never a question by themselves.
ANSWER_PARTS = frozenset("""原理|实现|代码|优点|缺点|优缺点|总结|小结|参考|参考资料|
参考文献|定义|公式|例子|示例|举例|概述|简述|简介|介绍|背景|思路|步骤|流程|方法|应用|作用|特点|问题|答案|解答|解析|分析|推导|证明|
结论|注意|注意事项|补充|扩展|延伸|链接|图解|overview|summary|introduction|intro|background|idea|
implementation|code|example|examples|pros|cons|pros and cons|advantages|disadvantages|definition|
formula|derivation|proof|references|reference|notes|note|details|conclusion|answer|explanation|
intuition|motivation|method|methods|steps|usage|applications|see also|further reading|links"""
                         .replace("\n", "").split("|"))

# A whole answer that only holds its place.  Compared after folding (casefold, no
# punctuation or list/checkbox marks), so "- [ ] TODO" and "TODO." are both found.
PLACEHOLDERS = frozenset("""answer here|your answer here|todo|to do|tbd|tba|tbc|wip|
fixme|xxx|placeholder|coming soon|to be added|to be done|to be continued|fill in|fill me in|
none yet|empty|n/a|to be filled|to be filled in|be the first to contribute|
待补充|待完善|待续|待更新|待填|待写|待定|待整理|未完成|暂无|暂缺|空|略|
补充|todo 待补充|...|…""".replace("\n", "").split("|"))

TOC_TITLES = frozenset({"table of contents", "contents", "toc", "目录", "目錄", "索引",
                        "content", "index", "outline", "大纲"})
TOC_MARKERS = frozenset({"[toc]", "[[toc]]", "[[_toc_]]", "@[toc]", "${toc}", "[toc]:#",
                         "{:toc}", "* toc\n{:toc}", "[[_toc]]"})

# Trailing marks an author adds after a bold question: emoji, stars, "(*)", "[高频]".
_MARKS, _OPENERS, _CLOSERS = "*★☆✓✔!！", "(（[【", ")）]】"
_TAG_LENGTH = 8
"""Characters inside a bracketed tag at most."""


def fold(text: str) -> str:
    """Return text in the form these judgements compare: NFKC, casefolded, spaces merged."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def without_trailing_marks(text: str) -> str:
    """Return text without the emoji, symbols and short bracketed tags that end it."""
    # Scanned back from the end, once: a regular expression for the same marks
    # backtracked exponentially over a run of ``*`` not at the end (a hang at 80).
    end = len(text)
    while end:
        char = text[end - 1]
        if char.isspace() or char in _MARKS or _is_symbol(char):
            end -= 1
        elif char in _CLOSERS and (opener := _tag_start(text, end - 1)) is not None:
            end = opener
        else:
            break
    return text[:end]


def _tag_start(text: str, closer: int) -> int | None:
    """Where the bracketed tag closed at ``closer`` opens (the farthest opening bracket
    at most ``_TAG_LENGTH`` characters back, with no closing one between), or None."""
    found = None
    for start in range(closer - 1, max(closer - _TAG_LENGTH - 2, -1), -1):
        if text[start] in _CLOSERS:
            break
        if text[start] in _OPENERS:
            found = start
    return found


def _is_symbol(char: str) -> bool:
    # Emoji and pictographs are "So" (other symbol); variation selectors and joiners
    # that glue them are "Mn"/"Cf".
    return unicodedata.category(char) in ("So", "Sk", "Cf", "Mn") or char in "\ufe0f\u200d"


def question_reason(text: str) -> str | None:
    """Say why ``text`` reads as a question ("ends in ?", "numbered", ...), or None."""
    core = without_trailing_marks(text).strip()
    if not core:
        return None
    if core.endswith(QUESTION_MARKS):
        return "ends in ?"
    if _Q_PREFIX.match(core) or _Q_LABEL.match(core) or _WORD_LABELLED.match(core):
        return "starts with Q:"
    if is_answer_part(core):
        return None
    if _NUMBERED.match(core):
        return "numbered"
    words = re.findall(r"[a-z']+", core.casefold())
    if words and words[0] in _EN_OPENERS:
        return "starts with a question word"
    if _asks_in_chinese(core) or asks_in_other_language(core):
        return "has a question word"
    if any(marker in core for marker in _ZH_PROMPTS) or prompts_in_other_language(core):
        return "is an exam prompt"
    return None


def _asks_in_chinese(core: str, prompts: tuple[str, ...] = ()) -> bool:
    """A Chinese asking word (or one of ``prompts``) in ``core``, a spoken one too."""
    return any(marker in core for marker in (*_ZH_ASKING, *prompts)) \
        or bool(_ZH_SPOKEN.search(core))


def is_label(text: str) -> bool:
    """True for a question heading that only numbers it: "Question 1", "Q3:", "问题 2"."""
    return bool(_LABEL.match(without_trailing_marks(text).strip()))


def asks(text: str) -> bool:
    """True when ``text`` asks outright: a question mark, ``Q:``, question numbering, an
    opening "what"/"why"/"is"…, or a Chinese asking word; not an imperative or a label."""
    core = without_trailing_marks(text).strip()
    words = re.findall(r"[a-z']+", core.casefold())
    return (any(mark in core for mark in QUESTION_MARKS) or bool(_Q_PREFIX.match(core))
            or bool(_NUMBERED.match(core)) or bool(words and words[0] in _EN_ASKING)
            or _asks_in_chinese(core) or asks_in_other_language(core))


# Exam prompts that ask as plainly as a question word ("CCA和PCA的区别", "简述 BN"), unlike
# "原理", "作用" or "对比" (对比学习 is a topic), which as often name a topic or a part.
_ZH_ASKING_PROMPTS = ("区别", "异同", "简述", "谈谈", "说说", "讲讲", "讲一讲", "讲一下", "说一说",
                      "说一下", "聊聊", "介绍一下", "介绍下", "解释一下", "怎么理解")
# English prompts that ask, unlike "List …", "Name …" or "Write …", which title topics too.
_EN_PROMPTS = frozenset(("explain", "describe", "define", "compare", "contrast", "derive"))
_DOTTED = re.compile(r"\s*(\d+(?:\.\d+)*)")


@lru_cache(maxsize=1 << 14)
def asks_outright(text: str) -> bool:
    """True when ``text`` asks whatever its numbering: a question mark, ``Q:``, an asking
    word or prompt ("what", "explain", "为什么", "区别"), in either language.

    Stricter than ``question_reason``: a number alone ("3.1 BN"), a part's name ("原理")
    or an ambiguous prompt ("作用", "对比") does not ask.  Headings and bold lines
    outside the question level a file chose are questions only when they ask so.

    Remembered: a file's survey and its walker ask it of the same lines (every list item
    of every answer), and the judgement folds each one (NFKC, case)."""
    core = without_trailing_marks(text).strip()
    if _Q_PREFIX.match(core):
        return True
    if not core or is_answer_part(core):
        return False
    if any(mark in core for mark in QUESTION_MARKS):
        return True
    words = re.findall(r"[a-z']+", core.casefold())
    return (bool(words) and (words[0] in _EN_ASKING or words[0] in _EN_PROMPTS)) \
        or _asks_in_chinese(core, _ZH_ASKING_PROMPTS) \
        or asks_in_other_language(core) or prompts_in_other_language(core)


# How a line without a question mark ends when it asks ("xgb和lgb的区别", "对xgboost的了解",
# "CoT 是啥") or opens ("简述 BN"); an asking word inside a statement ("检查算子是否支持")
# does not make it ask, nor does a bare 什么/为什么/吗/呢 at its end, which ends statements
# as often ("我也说不清为什么", "剩下的题记不清是什么", "啥也没记住呢").
_ZH_ASKING_ENDS = ("区别", "异同", "不同", "的了解", "的理解", "优缺点", "咋办", "咋样", "是啥")
# A prompt's ending denied ("其实两者没啥区别", "记不清两者的区别"): 没/无 just before it
# (无 also opens 无监督), the others anywhere in its clause.
_DENIED_END = re.compile(r"(?:(?:没|无)(?:有|啥|什么|太|多|大|多大|太大)*"
                         r"|(?:不清|不知道|记不清)[^，,。；;:：]*)$")
_ZH_ASKING_OPENERS = ("简述", "谈谈", "说说", "讲讲", "讲一讲", "讲一下", "说一说", "说一下",
                      "聊聊", "介绍一下", "介绍下", "解释一下", "怎么理解")


def asks_as_it_ends(text: str) -> bool:
    """True when ``text`` is a question by how it ends (a question mark, "…的区别",
    "…的了解", not "…没啥区别") or opens with a prompt ("简述 …"): a line that asks as a whole."""
    core = without_trailing_marks(text).strip()
    if core.endswith(QUESTION_MARKS) or core.startswith(_ZH_ASKING_OPENERS):
        return True
    ending = next((end for end in _ZH_ASKING_ENDS if core.endswith(end)), None)
    return ending is not None and not _DENIED_END.search(core[:-len(ending)])


def asks_by_prompt(text: str) -> bool:
    """True when ``text`` opens with an English prompt that asks ("Explain RoI Align."):
    unlike a wh-word, which with a full stop titles a part ("How it works.")."""
    words = re.findall(r"[a-z']+", text.casefold())
    return bool(words) and words[0] in _EN_PROMPTS


# "(3)Q: …" numbers its question as a list of Q: lines may ("（3）问：…" too).
_ASKED = re.compile(r"^\s*(?:[(（]\s*\d{1,3}\s*[)）]\s*)?(?:q|question|问)\s*\d{0,3}\s*[:：]\s*\S",
                    re.IGNORECASE)
_ASKED_LABEL = re.compile(r"^\s*(?:q|question|问)\s*\d{0,3}\s*[:：]?\s*$", re.IGNORECASE)
_ASKED_IF_MARKED = re.compile(r"^\s*(?:问题|题目)\s*[:：]\s*\S")


# "Q1. what's a container?": a numbered Q with a full stop asks only if the rest does
# ("Q3. Revenue grew" is a quarter's report).
_ASKED_NUMBERED = re.compile(r"^\s*(?:q|question)\s*\d{1,3}\s*[.)．]\s*(\S.*)", re.IGNORECASE)


def is_asked_line(text: str) -> bool:
    """True for a line of plain text that says it is a question: "Q: What is BN?",
    "问：什么是 BN", "问题：BN 有什么用？" ("问题：梯度消失" names a problem, no question),
    "Q1. what's the difference between an image and a container?"."""
    if _ASKED.match(text):
        return True
    numbered = _ASKED_NUMBERED.match(text)
    if numbered and (any(mark in text for mark in QUESTION_MARKS)
                     or _asks_as_a_sentence(numbered.group(1))):
        return True
    return bool(_ASKED_IF_MARKED.match(text)) and any(mark in text for mark in QUESTION_MARKS)


# Words that open no statement: "Q1. Explain volumes." asks, "Q1. Was a strong quarter."
# and "Q4. When revenue fell, we cut costs." report.
_EN_UNAMBIGUOUS = frozenset(("what", "what's", "why", "how", "which", "who", "whom", "whose",
                             "where", *_EN_PROMPTS))


def _asks_as_a_sentence(text: str) -> bool:
    """Whether the rest of a "Q1." line asks without a question mark: as ``asks_outright``
    says, but a full sentence (ending in '.' or '!') only by a word that opens no
    statement (a wh-word, a prompt, a Chinese, Korean or Japanese asking form)."""
    core = text.strip()
    if not core.endswith((".", "!", "。", "！")):
        return asks_outright(core)
    words = re.findall(r"[a-z']+", core.casefold().replace("’", "'"))
    return (bool(words) and words[0] in _EN_UNAMBIGUOUS) \
        or _asks_in_chinese(core) or asks_plainly_in_other_language(core)


def is_asked_label(text: str) -> bool:
    """True for the bold label of a line that asks: ``**Q:**``, ``**Q3:**``, ``**问：**``."""
    return bool(_ASKED_LABEL.match(text))


def asks_plainly(text: str) -> bool:
    """True when ``text`` asks in a way no topic's title does: a question mark, ``Q:``,
    or a Chinese asking word or prompt ("如何", "区别"); English openers ("When to use
    each type") and imperatives ("Explain …") title sections too."""
    core = without_trailing_marks(text)
    return any(mark in core for mark in QUESTION_MARKS) or bool(_Q_PREFIX.match(core)) \
        or _asks_in_chinese(core, _ZH_ASKING_PROMPTS) \
        or asks_plainly_in_other_language(core)


def numbering(text: str) -> tuple[int, ...]:
    """The numbers a line opens with: ``(1, 2)`` for "1.2 Attention 的计算步骤", ``(3,)``
    for "3. Why …"; empty when it opens with none."""
    found = _DOTTED.match(text[:40])  # numbering opens a line: a few characters
    parts = found.group(1).split(".") if found else []
    if len(parts) > 6 or any(len(part) > 3 for part in parts):
        return ()  # a year, a version string: no question's number
    return tuple(int(part) for part in parts)


def is_answer_part(text: str) -> bool:
    """True for a heading such as "原理" or "Implementation": a part of an answer."""
    core = _NUMBERED.sub("", fold(without_trailing_marks(text)), count=1)
    return core.strip(" :：.。") in ANSWER_PARTS


def starts_numbered(text: str) -> bool:
    """True when text opens with question numbering (``1)``, ``Q3.``, ``（2）``)."""
    return bool(_NUMBERED.match(text))


_ANSWER_LABEL = re.compile(r"^(?:answer|ans|a|答案|答)\s*[:：]\s*")
"""A label an answer opens with ("**Answer:** _[To be filled]_", a generated question
bank's every unanswered question): the place it holds is the rest."""


def is_placeholder(text: str) -> bool:
    """True when a whole answer's text only holds a place ("TODO", "待补充", "- [ ] TODO",
    "Answer: [To be filled]")."""
    folded = _ANSWER_LABEL.sub("", fold(text))
    folded = re.sub(r"^(?:[-*+]\s+)?(?:\[[ xX]?\]\s*)?", "", folded)
    folded = folded.strip(" \t:：.。!！-–—()（）[]【】<>*_`~\"'")
    return folded in PLACEHOLDERS


def is_toc_title(text: str) -> bool:
    """True for a heading or line that names a table of contents, an emoji before or
    after the words aside (``📌 Table of Contents``, ``📚 目录``)."""
    words = fold(text).strip(" :：")
    start = next((i for i, char in enumerate(words) if not _is_symbol(char)), len(words))
    return without_trailing_marks(words[start:]).strip(" :：") in TOC_TITLES


def is_toc_marker(text: str) -> bool:
    """True for a paragraph that asks the editor to draw a table of contents: ``[TOC]``."""
    return fold(text) in TOC_MARKERS


def label_prefix(label: str, question: str) -> str:
    """``Question 1`` before ``What is a vector?``: "Question 1: "; ``问题 3`` before
    ``什么是特征值？``: "问题 3："; a label ending in its own mark keeps it ("Q3. ")."""
    if label.endswith((".", ":", ")", "、", "：", "．", "）")):
        return label if label.endswith(("、", "：", "．", "）")) else label + " "
    wide = bool(question) and is_cjk(question[0])
    return label + ("：" if wide else ": ")


_ORDER_NUMBER = re.compile(r"\d{1,4}(?:\.\d{1,4})*[-_.、 ]+(?=\S)")


def unnumbered(name: str) -> str:
    """A file's name without the number that orders it in its folder (``01-过拟合``,
    ``21_手动推导BP``, ``3.13_dropout``); a name that is only a number stays."""
    found = _ORDER_NUMBER.match(name)
    return name[found.end():] if found else name

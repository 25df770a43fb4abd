"""Words that ask in the other languages notes are written in: Korean, Japanese, Russian,
Spanish, Portuguese, German, French.

``builder.parse.phrases`` reads English and Chinese; these lists let it read a heading or a
``<details>`` summary in another language the same way.  Two kinds, as there:

* asking words, which ask as "what"/"why" or 什么/为什么 do (``Что такое …``, ``무엇인가요``,
  ``REST API とは``);
* prompts, which ask as "explain" or 简述/区别 do (``Объясните …``, ``…을 설명해주세요.``,
  ``…의 차이점``): an imperative, or the word for "difference".

Korean and Japanese are matched anywhere in the text (no spaces part Japanese words), by
forms written in hangul or kana only, so that Chinese text, which shares the ideographs,
never matches.  The European languages are matched by the text's first word (or two), as
English openers are: most open statements rarely, and never inside another word; those that
are everyday words too (``Как правило``, ``Wie oben``, ``Comment syntax``) ask only with a
question mark or the word that makes them a question.
"""

from __future__ import annotations

import re

_HANGUL = "가-힣"
# A Korean word standing alone: 왜 ("why") is also the first syllable of 왜곡 ("distortion").
_KO_ASKING = re.compile(
    rf"무엇|어떻게|어떤|어느|(?<![{_HANGUL}])왜(?![{_HANGUL}])|인가요|인가\b|습니까|나요|까요")
_KO_PROMPTS = re.compile(
    r"설명\s?(?:해|하)|말(?:해|씀해)\s?(?:주|보)|알려\s?주|(?:해|해\s)주세요|(?:해|해\s)보세요|차이(?!나)")
_JA_ASKING = re.compile(
    r"(?<!こ)とは|ですか|ますか|でしょうか|なぜ|どう(?:して|やって|いう|なる)|どのよう|どんな|何(?:が|を|で|の|故)")
_JA_PROMPTS = re.compile(r"違い|説明して|説明せよ|教えて|述べ")

_OPENERS_ASKING = frozenset((
    # Russian
    "что", "почему", "зачем", "какой", "какая", "какое", "какие", "каков", "какова",
    "чем", "где", "кто", "сколько",
    # Spanish, Portuguese
    "qué", "cómo", "cuál", "cuáles", "cuándo", "dónde", "quién", "quiénes", "cuánto",
    "cuántos", "qual", "quais", "quem",
    # German
    "was", "warum", "wieso", "weshalb", "welche", "welcher", "welches", "wann",
    "wer", "wozu",
    # French
    "quel", "quels", "quelles", "pourquoi", "quand", "où", "qu'est-ce",
))
"""First words that ask alone; the ambiguous ones (``_AMBIGUOUS``) ask only with help."""
# Openers that are as often an everyday word: "Как правило" (as a rule), "Когда …, то",
# German "Wie oben" (as above), "Quelle" (source), "Wo" and English "Comment syntax",
# "Que"/"Qui" (that/who as conjunctions).  They ask only with a question mark in the text
# or before a word that makes the question ("Как работает", "Wie funktioniert").
_AMBIGUOUS = {
    "как": ("работает", "работают", "устроен", "устроена", "устроено", "устроены",
            "использовать", "сделать", "реализовать", "избежать", "настроить", "найти",
            "проверить", "понять", "происходит", "связаны", "влияет", "выбрать"),
    "когда": ("нужно", "надо", "стоит", "следует", "использовать", "используется",
              "применять", "применяется", "происходит", "вызывается"),
    "можно": ("ли",), "нужно": ("ли",),
    "wie": ("funktioniert", "funktionieren", "viele", "viel", "kann", "können", "wird",
            "werden", "unterscheidet", "unterscheiden", "geht", "lange", "oft", "arbeitet",
            "erstellt", "erstelle", "verwendet", "verwende", "nutzt", "nutze"),
    "wo": ("liegt", "liegen", "findet", "finde", "wird", "werden"),
    "comment": ("fonctionne", "fonctionnent", "faire", "utiliser", "marche", "créer",
                "choisir", "éviter", "gérer", "implémenter"),
    "quelle": ("est", "sont", "différence"),
    "como": ("funciona", "funcionan", "se", "hacer", "usar", "fazer", "utilizar", "criar",
             "crear", "evitar", "implementar"),
    "que": ("es", "son", "significa", "hace", "faz", "hacen", "fazem"),
    "qui": ("est", "sont", "peut", "doit"),
    "quando": ("usar", "utilizar", "se", "devo", "ocorre", "acontece"),
    "onde": ("fica", "ficam", "está", "estão", "se"),
}
_QUESTION_MARKS = ("?", "？", "¿")
# "для чего", "por qué": an opener of two words whose first alone asks nothing.
_PAIRS_ASKING = frozenset(("по какой", "в чём", "в чем", "por qué", "por que", "o que",
                           "en qué", "de qué", "para qué", "est-ce que"))
_PAIRED_WITH = {"для": ("чего", "каких"), "есть": ("ли",)}
"""Openers that ask only as the first of a pair (``для чего``, ``есть ли``)."""
_OPENERS_PROMPTS = frozenset((
    "объясните", "объясни", "расскажите", "расскажи", "опишите", "опиши", "сравните",
    "назовите", "перечислите", "explica", "explique", "describa", "compara", "define",
    "erkläre", "erklären", "erläutere", "erläutern", "beschreibe", "beschreiben", "nenne",
    "vergleiche", "expliquez", "explique", "décrivez", "décris", "comparez",
))
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _first_words(text: str) -> list[str]:
    return [word.replace("’", "'") for word in _WORDS.findall(text[:60].casefold())[:2]]


def asks_in_other_language(text: str) -> bool:
    """True when ``text`` asks by a word of another language: a Korean or Japanese asking
    form anywhere (``무엇``, ``とは``), or a first word that asks (``Что``, ``Cómo``, ``Warum``)."""
    if _KO_ASKING.search(text) or _JA_ASKING.search(text):
        return True
    words = _first_words(text)
    if not words:
        return False
    if " ".join(words) in _PAIRS_ASKING:
        return True
    if words[0] in _PAIRED_WITH:
        return len(words) > 1 and words[1] in _PAIRED_WITH[words[0]]
    if words[0] in _AMBIGUOUS:
        return any(mark in text for mark in _QUESTION_MARKS) \
            or (len(words) > 1 and words[1] in _AMBIGUOUS[words[0]])
    return words[0] in _OPENERS_ASKING


def prompts_in_other_language(text: str) -> bool:
    """True when ``text`` asks as an exam prompt of another language does: a Korean or
    Japanese request or "difference" (``설명해주세요``, ``차이점``, ``違い``), or a first word
    that bids (``Объясните``, ``Erkläre``, ``Expliquez``)."""
    if _KO_PROMPTS.search(text) or _JA_PROMPTS.search(text):
        return True
    words = _first_words(text)
    return bool(words) and words[0] in _OPENERS_PROMPTS


def asks_plainly_in_other_language(text: str) -> bool:
    """True when ``text`` asks by a Korean or Japanese form, asking or bidding: as Chinese
    asking words and prompts do, these title no topic (European first words do, as English
    "How …" does)."""
    return any(pattern.search(text) for pattern in (_KO_ASKING, _KO_PROMPTS, _JA_ASKING,
                                                     _JA_PROMPTS))

"""One typst project compiled, and when the deck fails, the card to blame.

typst names a line of the generated template, which means nothing to the author; so
the failing cards are halved until one fails alone, and its place in the notes is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from builder.pdf.pdfdata import Json
from builder.render.typstengine import Compiler


class PdfError(Exception):
    """The PDF could not be typeset; the message says where and why, in one line."""


@dataclass
class TypstJob:
    """One typst project in a temporary folder, compiled as often as the diagnosis needs."""

    compiler: Compiler
    payload: Json
    timestamp: datetime

    def compile(self, payload: Json) -> bytes:
        """Typeset ``payload``; raise CompileFailed with typst's reason."""
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        try:
            pdf = self.compiler.pdf(inputs={"doc": text}, timestamp=self.timestamp,
                                    tagged=False)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # TypstError, and pyo3's PanicException on a typst bug
            raise CompileFailed(typst_reason(exc)) from exc
        if pdf is None:
            raise CompileFailed("typst returned no PDF")
        return pdf


class CompileFailed(Exception):
    """One typst compile failed; the message is typst's reason."""


def fixed_timestamp(payload: Json) -> datetime:
    """Return the fixed creation time typst stamps, so equal inputs give equal bytes."""
    parts = payload.get("iso-date")
    if isinstance(parts, list) and len(parts) == 3:
        return datetime(int(parts[0]), int(parts[1]), int(parts[2]), tzinfo=UTC)
    return datetime(1980, 1, 1, tzinfo=UTC)


def typeset_or_blame(job: TypstJob) -> bytes:
    """Compile the whole deck; on failure, find the card to blame and say where it is."""
    try:
        return job.compile(job.payload)
    except CompileFailed as exc:
        reason = str(exc)
        culprit = _find_culprit(job, _cards_of(job.payload), reason)
    # A card that fails alone may only show a template fault that every card would hit.
    if culprit is None or not _plain_card_works(job):
        raise PdfError(f"cannot typeset the PDF: {reason}")
    loc, text = culprit
    raise PdfError(f"{loc}: cannot typeset this question in the PDF: {text}")


Indexed = list[tuple[int, Json]]


def _cards_of(payload: Json) -> Indexed:
    """List (section index, card) pairs in document order."""
    sections = payload.get("sections")
    assert isinstance(sections, list)
    return [(index, card) for index, section in enumerate(sections)
            for card in section["cards"]]


def _subset(payload: Json, cards: Indexed) -> Json:
    """Return the payload with only ``cards``, each still in its own section."""
    sections = payload["sections"]
    assert isinstance(sections, list)
    kept: dict[int, list[Json]] = {}
    for index, card in cards:
        kept.setdefault(index, []).append(card)
    return {**payload, "sections": [{**sections[i], "cards": kept[i]} for i in sorted(kept)]}


def _find_culprit(job: TypstJob, cards: Indexed, failure: str | None = None
                  ) -> tuple[str, str] | None:
    """Halve the failing cards until one fails alone: return its location and typst's reason.

    ``failure`` is the reason when ``cards`` are already known to fail together.  Returns
    None when no single card fails by itself (the template or the mix is at fault).
    """
    if not cards:
        return None
    if failure is None:
        try:
            job.compile(_subset(job.payload, cards))
        except CompileFailed as exc:  # this part fails: look inside it
            failure = str(exc)
        else:
            return None
    if len(cards) == 1:
        return str(cards[0][1]["loc"]), failure
    middle = len(cards) // 2
    return _find_culprit(job, cards[:middle]) or _find_culprit(job, cards[middle:])


_PLAIN_CARD: Json = {
    "n": 1, "loc": "", "q": [{"kind": "text", "text": "?"}],
    "a": [{"kind": "paragraph", "children": [{"kind": "text", "text": "-"}]}],
}


def _plain_card_works(job: TypstJob) -> bool:
    """Tell whether the template typesets a card of plain text."""
    try:
        job.compile({**job.payload, "count": 1,
                     "sections": [{"title": "-", "cards": [_PLAIN_CARD]}]})
    except CompileFailed:  # the template itself (or typst) is broken
        return False
    return True


def typst_reason(exc: BaseException) -> str:
    """Return typst's own message, first line, without its internal trace."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    hints = getattr(exc, "hints", None) or []
    text = str(message).strip().splitlines()[0] if str(message).strip() else type(exc).__name__
    if hints:
        text += f" (hint: {str(hints[0]).strip()})"
    return text

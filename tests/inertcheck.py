"""What a hostile card could do in Anki's web view that its HTML does not show: checked
in a real Chromium, side by side, for every card a hostile fixture makes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .browser import AnkiCard, show

# Everything a card could do that a person would not see in the HTML: handlers left on
# elements, links that run script, elements that escape the card's box or load things.
DOM_DANGERS = """() => {
    const qa = document.getElementById('qa');
    const box = qa.getBoundingClientRect();
    const found = [];
    if (document.body.children.length !== 1 || document.body.firstElementChild !== qa)
        found.push('content outside #qa');
    for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
            const value = a.value.replace(/[\\x00-\\x20\\x7f]/g, '').toLowerCase();
            if (a.name.startsWith('on')) found.push(`${a.name} on <${el.localName}>`);
            if (/^(javascript|vbscript|data):/.test(value))
                found.push(`${a.name}=${a.value} on <${el.localName}>`);
        }
        if (['script', 'iframe', 'object', 'embed', 'svg', 'math', 'base', 'meta', 'link',
             'form', 'frame', 'audio', 'video'].includes(el.localName)
                && !(el.localName === 'meta' && el.parentElement === document.head)
                && !(el.localName === 'base' && el.parentElement === document.head))
            found.push(`<${el.localName}>`);
    }
    if (document.querySelectorAll('style').length > 1) found.push('a second <style>');
    for (const el of qa.querySelectorAll('*')) {
        const position = getComputedStyle(el).position;
        if (position === 'fixed' || position === 'sticky' || position === 'absolute')
            found.push(`position:${position} on <${el.localName}>`);
        const r = el.getBoundingClientRect();
        if (r.width && r.height && (r.left < box.left - 1 || r.top < box.top - 1))
            found.push(`<${el.localName}> drawn above or left of the card`);
    }
    return found;
}"""

# Handlers that need a person: fire the events they listen to on every element of the card.
INTERACT = """() => {
    document.addEventListener('click', e => e.preventDefault(), true);
    for (const el of document.querySelectorAll('#qa *')) {
        for (const kind of ['mouseover', 'focus', 'toggle', 'animationstart'])
            el.dispatchEvent(new Event(kind, {bubbles: true}));
        if (el.localName === 'summary') el.click();
    }
    return new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
}"""


def sides_shown_inert(browser: Any, cards: Sequence[AnkiCard], media: Path, folder: Path) -> int:
    """Show both sides of each card in a phone-sized page of ``browser`` with the network
    cut off, fire the events a person would, and assert that nothing ran (no payload, no
    dialog), loaded (nothing but the media folder and the page) or escaped the card's box
    (``DOM_DANGERS``); return how many sides were shown."""
    page = browser.new_page(viewport={"width": 360, "height": 740})
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    def dismissed(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismissed)
    page.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
    allowed = (media.as_uri() + "/", (folder / "card.html").as_uri())
    shown = 0
    for card in cards:
        for side in (card.question, card.answer):
            requests.clear()
            show(page, side, media, folder)
            page.evaluate(INTERACT)
            where = card.fields["Question"]
            assert page.evaluate("window.__pwned") is None, f"a payload ran: {where}"
            assert page.evaluate("window.parent.__pwned") is None, where
            assert dialogs == [], where
            assert page.evaluate(DOM_DANGERS) == [], where
            assert [u for u in requests if not u.startswith(allowed)] == [], where
            shown += 1
    page.close()
    return shown

"""The card's face: the note type's templates and CSS, and how Anki fills them in.

One place for what every client shows, so the deck and the HTML preview
(``builder.anki.htmlpreview``) show the very same card.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

HIDE_SOURCE_TAG = "build-deck::hide-source"
"""A note with this tag shows no Source line (``source_line: hide``).  A tag, not an
empty field: the field keeps its value and the note type its fields, so switching the
setting changes notes, never the note type."""

# Each side is one ``bd-card`` box: every block inside shares its left edge and width,
# whatever its own font size.  Anki puts the tags in as they are; builder.anki.apkg keeps
# quotes out of tags, so they cannot leave the attribute.
FRONT = """<div class="bd-card">
<div class="bd-section">{{Section}}</div>
<div class="bd-question">{{Question}}</div>
</div>"""
BACK = """{{FrontSide}}
<div class="bd-card" data-tags=" {{Tags}} ">
<hr id="answer">
<div class="bd-answer">{{Answer}}</div>
<div class="bd-source">{{Source}}</div>
</div>"""

_MONO = '"SF Mono", Menlo, Consolas, "Liberation Mono", monospace'
# A box that scrolls sideways shows a shade at each edge with more to see: the shades
# are fixed to the box, and covers in the background's colour scroll with the content
# and hide them at its ends (the "scroll shadows" of Lea Verou).
_SCROLL_CUE = """background:
    linear-gradient(to right, var(--bd-under) 30%, transparent) left center / 2.5em 100%
      no-repeat local,
    linear-gradient(to left, var(--bd-under) 30%, transparent) right center / 2.5em 100%
      no-repeat local,
    radial-gradient(farthest-side at 0 50%, var(--bd-shade), transparent) left center
      / 0.9em 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, var(--bd-shade), transparent) right center
      / 0.9em 100% no-repeat scroll;"""

CSS = f"""
.card {{ font-family: -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
  "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif;
  font-size: 18px; line-height: 1.6; text-align: left; color: #1d1d1f;
  background-color: #fff; padding: 0 4px;
  --bd-bg: #fff; --bd-under: var(--bd-bg); --bd-shade: rgba(0, 0, 0, 0.25); }}
.card.nightMode, .nightMode .card, .card.night_mode, .night_mode .card {{
  color: #e6e6e6; background-color: #1e1e1e;
  --bd-bg: #1e1e1e; --bd-shade: rgba(255, 255, 255, 0.3); }}
/* One measure for the whole card, in the card's own font size; the blocks inside fill it. */
.bd-card {{ max-width: 42em; margin: 0 auto; overflow-wrap: anywhere; }}
.bd-card > *, .bd-answer > * {{ margin-left: 0; margin-right: 0; max-width: 100%;
  box-sizing: border-box; }}
/* Last line of defence: whatever a note makes too wide scrolls inside the card's own
   boxes, never the page. */
.bd-question, .bd-answer {{ overflow-x: auto; }}
.bd-section {{ font-size: 0.75em; color: #888; }}
.bd-question {{ font-size: 1.15em; font-weight: 600; margin: 0.3em 0 0.5em; }}
.bd-source {{ font-size: 0.7em; color: #999; margin-top: 1.5em; }}
.bd-card[data-tags~="{HIDE_SOURCE_TAG}"] .bd-source {{ display: none; }}
.bd-answer ul, .bd-answer ol {{ padding-left: 1.4em; }}
.bd-answer li {{ margin: 0.15em 0; }}
.bd-answer table {{ border-collapse: collapse; margin: 0.5em 0; display: block;
  max-width: 100%; overflow-x: auto; overflow-wrap: normal; {_SCROLL_CUE} }}
.bd-answer th, .bd-answer td {{ border: 1px solid #bbb; padding: 0.2em 0.5em; }}
.bd-answer blockquote {{ margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid #bbb;
  color: #555; }}
.nightMode .bd-answer blockquote, .night_mode .bd-answer blockquote {{ color: #aaa; }}
/* Callouts (alerts, ::: containers, admonitions): a tinted box in the family's colour,
   a lighter shade of it at night; each title at 4.5:1 or better on its box, nested too. */
.callout {{ margin: 0.5em 0; padding: 0.2em 0.8em; border-left: 4px solid var(--bd-callout);
  border-radius: 4px; background: rgba(127, 127, 127, 0.08); --bd-callout: #0550ae; }}
.callout-title {{ font-weight: 600; color: var(--bd-callout); margin: 0.3em 0; }}
summary.callout-title {{ cursor: pointer; }}
.footnotes-title {{ font-weight: 600; font-size: 0.85em; margin: 0.3em 0; }}
.callout-tip {{ --bd-callout: #116329; }} .callout-important {{ --bd-callout: #6f42c1; }}
.callout-warning {{ --bd-callout: #7d4e00; }} .callout-caution {{ --bd-callout: #b91c1c; }}
.callout-question {{ --bd-callout: #0b5e75; }} .callout-quote {{ --bd-callout: #57606a; }}
.nightMode .callout, .night_mode .callout {{ --bd-callout: #58a6ff; }}
.nightMode .callout-tip, .night_mode .callout-tip {{ --bd-callout: #3fb950; }}
.nightMode .callout-important, .night_mode .callout-important {{ --bd-callout: #bc8cff; }}
.nightMode .callout-warning, .night_mode .callout-warning {{ --bd-callout: #d29922; }}
.nightMode .callout-caution, .night_mode .callout-caution {{ --bd-callout: #ff7b72; }}
.nightMode .callout-question, .night_mode .callout-question {{ --bd-callout: #22b8cf; }}
.nightMode .callout-quote, .night_mode .callout-quote {{ --bd-callout: #9ea7b3; }}
.bd-answer .subheading {{ font-weight: 600; margin-top: 0.8em; }}
.bd-answer pre {{ overflow-x: auto; }}
.highlight {{ text-align: left; border-radius: 4px; margin: 0.5em 0; }}
.highlight pre {{ margin: 0; padding: 0.5em 0.7em; font-size: 0.8em; line-height: 1.45;
  white-space: pre; overflow-wrap: normal; overflow-x: auto; font-family: {_MONO};
  --bd-under: var(--bd-code-bg, transparent); {_SCROLL_CUE} }}
code {{ font-family: {_MONO}; font-size: 0.9em;
  background: rgba(127, 127, 127, 0.15); border-radius: 3px; padding: 0 0.2em; }}
.highlight code {{ background: none; padding: 0; }}
img {{ max-width: 100%; height: auto; }}
img.math {{ max-width: none; }}
/* A display formula wider than the card is drawn smaller, down to 0.7 of its size (its
   own style says how: builder.anki.notes); beyond that its box scrolls. */
.math-display {{ text-align: center; margin: 0.5em 0; overflow-x: auto; overflow-y: hidden;
  {_SCROLL_CUE} }}
.math-display img.math {{ max-width: none; }}
.math-wide {{ display: inline-block; max-width: 100%; overflow-x: auto; overflow-y: hidden;
  vertical-align: middle; line-height: 1; {_SCROLL_CUE} }}
.math-wide > img.math {{ vertical-align: top; }}
.diagram {{ text-align: center; margin: 0.6em 0; }}
.diagram img {{ width: 100%; max-width: 40em; }}
/* Rendered formulas and diagrams are dark on light: invert them at night.  A diagram's
   white ground becomes a dark grey that "lighten" then turns into the card's own. */
.nightMode img.math, .night_mode img.math {{ filter: invert(0.9) hue-rotate(180deg); }}
.nightMode .diagram img, .night_mode .diagram img {{ filter: invert(0.9) hue-rotate(180deg);
  mix-blend-mode: lighten; }}
"""

_PLACEHOLDER = re.compile(r"\{\{([A-Za-z]+)\}\}")


def fill(template: str, fields: Mapping[str, str], tags: str = "", front: str = "") -> str:
    """Fill ``template`` in as Anki does with our (condition-free) templates.

    ``tags`` is the note's tags, space-separated; ``front`` the filled front side.
    """
    values = {**fields, "Tags": tags, "FrontSide": front}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)

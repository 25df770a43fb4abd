"""The languages build-deck writes its own words in (diagram labels, the PDF's fixed words).

Apart from ``builder.parse.language``, which guesses a document's language: diagram
pictures are named by a hash of the drawing code and the builder modules it imports
(``render.assets.diagram_fingerprint``), and these two names are all the drawing code
needs of it.  A change to the guess renames no picture.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
FALLBACK = "zh"
"""For a document with no prose to judge by: build-deck's first users wrote Chinese notes."""

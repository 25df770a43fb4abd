"""Every diagnostic code, so that a mistyped code in an ``ignore`` list can be named.

The README's codes table lists the same codes (a test keeps the two, and the codes the
builder's modules report, in step).
"""

from __future__ import annotations

CODES = frozenset({
    "source", "front-matter", "section-intro", "orphan-heading", "setext-heading",
    "extra-title", "empty-section", "unclosed-fence", "fence-heading", "toc-unclosed",
    "levels", "no-questions", "empty-answer", "answer-repeats-question", "empty-question",
    "footnote-unused", "footnote-duplicate", "footnote-undefined", "footnotes-only",
    "container-unclosed", "sr-separator",
    "duplicate-question", "answer-too-long", "file-too-large", "too-many-images",
    "media-size", "html-removed", "html-nesting", "html-unclosed", "table-too-long",
    "anki-markup", "link-removed", "invisible-chars", "combining-marks", "control-chars",
    "missing-glyph", "ambiguous-rename",
    "missing-figure", "heading-skip", "unbalanced-dollar", "dollar-pairing",
    "escaped-brackets",
    "formula-render", "formula-command", "formula-image", "formula-typst", "tex-macro",
    "diagram-yaml", "diagram-type", "diagram-param", "diagram-render", "image-missing",
    "image-outside", "image-type", "image-size",
    "image-corrupt", "image-path", "remote-image", "toc-missing", "toc-stale", "toc-order",
    "toc-depth", "toc-anchor", "toc-in-answer", "toc-text", "toc-outdated", "toc-outside", "config",
    "nesting-depth", "table-extra-cells", "source-outside", "source-skipped", "output-name",
    "lock-entry", "lock-file", "lock-version", "typst-unavailable", "source-name",
    "snippet-include", "heading-space", "logseq-settings", "too-many-tags", "list-questions",
    "toc-left-out", "block-ids", "csdn-picture", "numbered-points", "question-table",
})

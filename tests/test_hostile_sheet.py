"""A cheat sheet of thousands of sections costs little memory for each of them.

The contents drew every leader dot as its own glyph (typst's default ``repeat[.]``, ~80 a
line) and listed every section, and the running header looked up every section before each
page: 5,000 one-question sections peaked at 800 MB.  Memory is measured in a child process (its own
peak resident size), not time.
"""

from __future__ import annotations

import re
from pathlib import Path

from .pdfpeak import typeset_peak_mb

pypdf = __import__("pytest").importorskip("pypdf")

SECTIONS = 5000
MEMORY_LIMIT_MB = 460
"""The child peaked at ~390 MB with one dotted line a leader and 2,000 sections in the
contents; ~515 MB with either alone, ~800 MB with neither."""



def test_thousands_of_one_question_sections_make_a_sheet_in_small_memory(
        tmp_path: Path) -> None:
    target = tmp_path / "sheet.pdf"
    text = "".join(f"## 节{i}\n### 问题{i}？\n\n答案{i}。\n\n" for i in range(SECTIONS))
    peak = typeset_peak_mb(text, target, "sheet", deck="Deck", title="Title")
    reader = pypdf.PdfReader(target)
    texts = [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]
    # The contents list the first MAX_CONTENTS sections with their pages and count the
    # rest; the last section is printed.
    from builder.pdf.parts import MAX_CONTENTS

    contents = "".join(texts[:-1][:200])
    assert "节0" in texts[0] and f"节{MAX_CONTENTS - 1}" in contents
    assert f"另有{SECTIONS - MAX_CONTENTS}节：见PDF书签" in contents
    assert f"答案{SECTIONS - 1}" in texts[-1]
    # Every page after the first ends with its running header: the deck, the section the
    # page starts in, and the page number.
    pages = len(texts)
    assert re.search(rf"Deck节49\d\d{pages}/{pages}$", texts[-1]), texts[-1][-40:]
    middle = pages // 2
    assert re.search(rf"Deck节\d+{middle + 1}/{pages}$", texts[middle]), texts[middle][-40:]
    assert peak < MEMORY_LIMIT_MB, f"{SECTIONS} sections took {peak:.0f} MB as a sheet"

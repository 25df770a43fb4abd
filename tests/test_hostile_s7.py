"""Hostile input, session 7: stray NUL bytes, nesting in raw HTML, huge tables.

Each input is generated here; each test builds through the CLI and, where a card is
made, reads it back through the real Anki.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from builder.cli import main

from .conftest import import_apkg, write
from .imagefiles import png

if TYPE_CHECKING:
    from anki.collection import Collection

pypdf = pytest.importorskip("pypdf")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _answers(collection: Collection, package: Path) -> list[str]:
    import_apkg(collection, package)
    return [collection.get_note(nid).fields[1] for nid in collection.find_notes("")]


def _pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_a_stray_nul_becomes_a_replacement_character_with_a_warning_at_its_place(
        tmp_path: Path, collection: Collection) -> None:
    # CommonMark: U+0000 is replaced by U+FFFD.  The file used to be refused as binary.
    (tmp_path / "n.md").write_bytes("## 节\n### 问？\n答\0案，还有\0两个。\n".encode())
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert ("n.md:3:2: warning: control character U+0000 replaced by U+FFFD "
            "(and 1 more on this line) [control-chars]") in result.output
    (answer,) = _answers(collection, tmp_path / "dist" / "n.apkg")
    assert "答\ufffd案，还有\ufffd两个。" in answer
    assert "答\ufffd案，还有\ufffd两个。" in _pdf_text(tmp_path / "dist" / "n.pdf")


@pytest.mark.parametrize(("content", "message"), [
    (png(), "file is binary or UTF-16, not UTF-8 Markdown"),
    (bytes(200), "file is binary or UTF-16, not UTF-8 Markdown"),
    ("## 节\n### 问\n答\n".encode("utf-16-le"), "file is binary or UTF-16, not UTF-8 Markdown"),
    ("## S\n### Q\nA\n".encode("utf-16-le"), "file is binary or UTF-16, not UTF-8 Markdown"),
    ("## 节\n### 问\n答\n".encode("utf-16"), "file is UTF-16 (it starts with a byte-order mark)"),
    (b"## S\n### Q\nA\n" + b"\x00\x01\x02\x03" * 100, "file is binary or UTF-16"),
], ids=["png", "zeros", "utf16-cjk", "utf16-ascii", "utf16-bom", "text-then-binary"])
def test_binaries_and_utf16_are_still_refused(tmp_path: Path, content: bytes,
                                              message: str) -> None:
    (tmp_path / "bad.md").write_bytes(content)
    write(tmp_path / "good.md", "## S\n### Q\nA\n")
    result = run("--format", "apkg", "bad.md", "good.md")
    assert f"bad.md:1:1: error: {message}" in result.output
    assert (tmp_path / "dist" / "good.apkg").exists()
    assert "Traceback" not in result.output

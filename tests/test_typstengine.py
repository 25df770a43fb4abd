"""typst's one home: its compiles see the pinned fonts (or only typst's own), it reports the
real version, and a typst that cannot start is said plainly, never as a traceback."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from importlib.metadata import version
from pathlib import Path

from builder.render import typstengine

from .conftest import write

ROOT = Path(__file__).resolve().parent.parent


def _fonts_named(pdf: bytes) -> set[str]:
    """The font names a PDF embeds (``/BaseFont/ABCDEF+Name``, subset tag dropped)."""
    return {name.decode("latin-1").split("+")[-1]
            for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", pdf)}


def _probe(tmp_path: Path, fonts: typstengine.FontSet) -> set[str]:
    main = tmp_path / f"{fonts}.typ"
    main.write_text('#set text(font: ("Noto Sans CJK SC",))\n#sys.inputs.text\n',
                    encoding="utf-8")
    pdf = typstengine.Compiler(main, inputs={"text": "过拟合"}, fonts=fonts).pdf()
    assert pdf is not None and pdf.startswith(b"%PDF")
    return _fonts_named(pdf)


def test_a_compile_sees_the_pinned_fonts_or_only_typsts_own(tmp_path: Path) -> None:
    pinned = _probe(tmp_path, "pinned")
    assert any(name.startswith("NotoSansCJK") for name in pinned), pinned
    embedded = _probe(tmp_path, "embedded")
    assert embedded and not any("CJK" in name for name in embedded), embedded


def test_png_pages_and_query(tmp_path: Path) -> None:
    main = tmp_path / "main.typ"
    main.write_text("#set page(width: 20pt, height: 10pt, margin: 0pt)\n"
                    "a #metadata((n: 1)) <info>\n#pagebreak()\nb\n", encoding="utf-8")
    compiler = typstengine.Compiler(main)
    pages = compiler.png(ppi=72)
    assert len(pages) == 2 and all(page.startswith(b"\x89PNG") for page in pages)
    assert struct.unpack(">II", pages[0][16:24]) == (20, 10)
    assert json.loads(compiler.query("<info>", field="value", one=True)) == {"n": 1}


def test_version_is_the_installed_one() -> None:
    assert typstengine.problem() is None
    assert typstengine.version() == version("typst")


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\x00" + b"\xff" * 6 + b"\x00" + b"\x00" * 6)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def _build_without_typst(folder: Path, formats: str) -> tuple[int, str]:
    """Build ``folder/notes`` in a Python where ``import typst`` fails."""
    script = ("import runpy, sys\nsys.modules['typst'] = None\n"
              "sys.argv = ['build-deck', 'build', 'notes', '--no-lock', '-o', 'out', '-j', '1',"
              f" '--format', {formats!r}]\nrunpy.run_module('builder', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=folder, capture_output=True,
                          text=True, check=False, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    return done.returncode, done.stdout + done.stderr


def test_a_typst_that_cannot_start_is_said_plainly(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", "## 基础\n### 什么是过拟合？\n训练集好，测试集差。\n\n"
                                       "![曲线](p.png)\n")
    (tmp_path / "notes" / "p.png").write_bytes(_png())
    code, output = _build_without_typst(tmp_path, "pdf")
    assert code == 1, output
    assert "Traceback" not in output, output
    assert "cannot start typst: " in output, output
    assert not (tmp_path / "out" / "a.pdf").exists()


def test_a_typst_that_cannot_start_costs_no_picture(tmp_path: Path) -> None:
    """typst checks that it can decode each picture; its absence is no fault of theirs."""
    write(tmp_path / "notes" / "a.md", "## 基础\n### 什么是过拟合？\n训练集好，测试集差。\n\n"
                                       "![曲线](p.png)\n")
    (tmp_path / "notes" / "p.png").write_bytes(_png())
    code, output = _build_without_typst(tmp_path, "apkg")
    assert code == 0, output
    assert "0 warning(s)" in output and "Traceback" not in output, output
    with zipfile.ZipFile(tmp_path / "out" / "a.apkg") as package:
        media = json.loads(package.read("media"))
        assert [package.read(number) for number in media] == [_png()]

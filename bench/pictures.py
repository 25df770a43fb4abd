"""What large pictures cost the PDF: peak memory of the build's process tree, and time.

    PYTHONPATH=$PWD python bench/pictures.py [COUNT] [SIZE]   # defaults: 32 pictures, 7000

writes COUNT PNGs of SIZE×SIZE pixels into a temporary folder, each one colour with a
little noise (~190 KB at 7000: cheap on disk, 147 MB decoded), different bytes each (a text
chunk), and a note showing each under its own question; then builds it (``--format pdf``)
twice: cold, and after an edit (the copies the PDF prints come from the cache), and
``check`` once.  typst holds every picture of a compile decoded; before the print copies
(builder/render/printcopy.py) 32 of them took the build 4.5 GB, with them 1.9 GB, most of
it the picture check's (typst keeps its last ten pictures decoded).  Run it with a memory
limit (``ulimit -v``) on a shared machine.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from measure import measure

from tests.imagefiles import noisy_png, numbered


def _write(folder: Path, count: int, size: int) -> None:
    png = noisy_png(size)
    lines = ["# Pictures", ""]
    for number in range(count):
        (folder / f"p{number}.png").write_bytes(numbered(png, number))
        lines += [f"## Picture {number}?", "", f"![picture {number}](p{number}.png)", ""]
    (folder / "n.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else 32
    size = int(argv[1]) if len(argv) > 1 else 7000
    build = [sys.executable, "-m", "builder", "build", "n.md", "-o", "out", "--no-lock",
             "--format", "pdf"]
    with tempfile.TemporaryDirectory(prefix="bench-pictures-") as scratch:
        folder = Path(scratch)
        _write(folder, count, size)
        print(f"{count} pictures of {size}x{size}, "
              f"{sum(p.stat().st_size for p in folder.glob('*.png')) / 2**20:.1f} MB of files")
        for name, cmd in (("build, cold", build), ("check", [*build[:3], "check", "n.md"])):
            sample = measure(cmd, folder, timeout=3600)
            print(f"{name:>22}: {sample.tree_mb / 1024:5.2f} GB, {sample.seconds:6.1f} s")
        with (folder / "n.md").open("a", encoding="utf-8") as notes:
            notes.write("\n## One more?\n\nYes.\n")
        sample = measure(build, folder, timeout=3600)
        print(f"{'build, after an edit':>22}: {sample.tree_mb / 1024:5.2f} GB, "
              f"{sample.seconds:6.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])

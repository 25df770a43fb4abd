"""Several files parsed at once: by this process and worker processes, giving what one
process parsing them in turn gives, with workers started only where they pay."""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import pytest

from builder.build.parsepool import WORKER_SHARE, ParseTask, parse_all, parse_workers, shares
from builder.build.sourceparse import parse_source
from builder.parse.document import ParseOptions
from builder.render.assets import in_processes, worker_pool

from .conftest import SEED


def test_by_default_a_worker_needs_a_share_of_notes_worth_its_start() -> None:
    small = [WORKER_SHARE // 2] * 2
    assert parse_workers(small, 0, cpus=2) == 0  # one process's share only
    assert parse_workers([WORKER_SHARE] * 2, 0, cpus=2) == 1
    assert parse_workers([WORKER_SHARE] * 8, 0, cpus=4) == 3  # no more than the CPUs
    assert parse_workers([WORKER_SHARE // 4] * 8, 0, cpus=4) == 1  # 2 shares' worth
    assert parse_workers([WORKER_SHARE * 5], 0, cpus=4) == 0  # a file is not split


def test_jobs_given_are_obeyed_whatever_the_size() -> None:
    assert parse_workers([10, 10, 10], 2, cpus=8) == 1  # this process and one worker
    assert parse_workers([10, 10, 10], 8, cpus=2) == 2  # no more processes than files
    assert parse_workers([WORKER_SHARE] * 4, 1, cpus=4) == 0
    assert parse_workers([], 4, cpus=4) == 0


def test_shares_split_the_bytes_evenly_and_keep_each_file_once() -> None:
    sizes = [5, 90, 10, 40, 50, 7]
    split = shares(sizes, 3)
    assert sorted(i for share in split for i in share) == list(range(len(sizes)))
    assert all(share == sorted(share) for share in split)
    assert 1 in split[0]  # this process, which starts at once, takes the largest file
    assert sorted(sum(sizes[i] for i in share) for share in split) == [55, 57, 90]
    assert shares([3, 3], 3)[2] == []


def _tasks(tmp_path: Path) -> list[ParseTask]:
    seed = SEED.read_text(encoding="utf-8")
    texts = [seed, seed.replace("梯度", "导数"), "## 节\n### 问？\n答 *一* $x$。\n",
             "---\nlang: [\n---\n### 坏的前言？\n答。\n"]
    tasks = []
    for number, text in enumerate(texts):
        path = tmp_path / f"n{number}.md"
        path.write_text(text, encoding="utf-8")
        tasks.append(ParseTask(path, path.name, ParseOptions(), path.read_bytes(), False))
    return tasks


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_and_this_process_parse_as_one_process_alone(tmp_path: Path,
                                                             workers: int) -> None:
    tasks = _tasks(tmp_path)
    alone = [parse_source(*task) for task in tasks]
    with worker_pool(2, 2) as pool:
        assert in_processes(pool)
        together = list(parse_all(tasks, pool, workers))
    assert [result for result, _ in together] == alone
    assert [result.document.path if result.document else None
            for result, _ in together] == [task.shown for task in tasks]
    # A worker's result comes with the pickle the parse cache stores; this process's
    # own results are pickled when the cache is saved.
    carried = [(pickle.loads(data), result) for result, data in together if data is not None]
    assert carried and all(loaded == result for loaded, result in carried)
    assert sum(data is None for _, data in together) == len(shares(
        [len(t.data or b"") for t in tasks], workers + 1)[0])


def test_without_workers_every_file_is_parsed_here(tmp_path: Path) -> None:
    tasks = _tasks(tmp_path)
    with worker_pool(1, 0) as serial:
        results = list(parse_all(tasks, serial, 0))
    assert [data for _, data in results] == [None] * len(tasks)
    assert [result for result, _ in results] == [parse_source(*task) for task in tasks]


def test_a_build_starts_parse_workers_by_default_only_for_enough_notes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: Counter[str]) -> None:
    """Without ``--jobs``, two small files are parsed here; with a worker's share lowered
    to their size, one goes to a worker, and the deck is the same byte for byte."""
    from click.testing import CliRunner

    import builder.build.gather
    import builder.build.parsepool
    from builder.cli import main

    from .conftest import write

    monkeypatch.setattr(builder.build.gather, "default_jobs", lambda: 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    for name in ("a", "b"):
        write(tmp_path / "notes" / f"{name}.md", "---\ndeck: 池\n---\n## 节\n" + "".join(
            f"### {name} 第 {i} 题？\n答案 **{i}**。\n\n" for i in range(50)))
    decks = []
    for out, share in (("serial", WORKER_SHARE), ("pooled", 1_000)):
        monkeypatch.setattr(builder.build.parsepool, "WORKER_SHARE", share)
        parsed.clear()
        result = CliRunner().invoke(main, ["notes", "--format", "apkg", "--no-lock",
                                           "-o", out])
        assert result.exit_code == 0, result.output
        decks.append((Path(out) / "池.apkg").read_bytes())
        assert sum(parsed.values()) == (2 if out == "serial" else 1)
    assert decks[0] == decks[1]


@pytest.mark.parametrize("workers", [0, 1])
def test_what_a_parse_leaves_is_set_aside_from_the_collector(tmp_path: Path,
                                                             workers: int) -> None:
    """Each parse, here or loaded from a worker, is frozen as it comes (the build unfreezes
    it at its end, ``tests/test_buildgc.py``): the collector's next pass does not look
    through every node of it."""
    import gc

    tasks = _tasks(tmp_path)
    assert gc.get_freeze_count() == 0
    try:
        with worker_pool(2, workers) as pool:
            results = list(parse_all(tasks, pool, workers))
        assert gc.get_freeze_count() > 0
        tracked = {id(thing) for thing in gc.get_objects()}  # frozen ones are not listed
        for result, _ in results:
            assert result.document is not None and result.document.cards
            assert id(result) not in tracked
            assert id(result.document.cards[0].answer) not in tracked
    finally:
        gc.unfreeze()

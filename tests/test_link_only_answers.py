"""An answer that is only a link whose text repeats the question (a chat's share link
under its topic) is warned as such, not as a plain repeat of the question."""

from __future__ import annotations

from pathlib import Path

from builder.parse.document import parse_file

from .conftest import FIXTURES, build_fixture_deck

FIXTURE = FIXTURES / "link-only-answers.md"


def test_a_link_only_answer_is_named_as_a_link() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    said = {d.loc.line: d.message for d in doc.diagnostics
            if d.code == "answer-repeats-question"}
    assert sorted(said) == [3, 7, 11]
    assert said[3].startswith("answer is only a link (https://poe.com/s/sIIaJudZd7lC7ASLlHiY) "
                              "whose text repeats the question '模型微调和通用能力'")
    assert "only a link (https://poe.com/s/FoXHLxqTiH5OCnQTTd3i)" in said[11]  # in bold
    assert said[7] == "answer only repeats the question '反向传播'"


def test_cli_says_it(tmp_path: Path) -> None:
    result, _package = build_fixture_deck(FIXTURE.stem)
    assert ("link-only-answers.md:3:4: warning: answer is only a link "
            "(https://poe.com/s/sIIaJudZd7lC7ASLlHiY)") in result.output

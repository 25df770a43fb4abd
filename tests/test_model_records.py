"""The model's records: made through their quick ``__init__`` exactly as the dataclass's
own made them, frozen all the same, and pickled as constructor calls."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from builder import model
from builder.model import Card, Diagnostic, Formula, Node, Section, SourceLoc

RECORDS = [cls for cls in vars(model).values()
           if isinstance(cls, type) and dataclasses.is_dataclass(cls)]


def _values(cls: type) -> dict[str, object]:
    """A distinct value for every field of ``cls`` (so a swapped slot shows)."""
    return {item.name: f"{cls.__name__}-{index}"
            for index, item in enumerate(dataclasses.fields(cls))}


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_each_field_lands_in_its_own_slot_by_keyword_and_by_position(cls: type) -> None:
    values = _values(cls)
    by_keyword = cls(**values)
    by_position = cls(*values.values())
    for name, value in values.items():
        assert getattr(by_keyword, name) == value
        assert getattr(by_position, name) == value


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_signature_and_defaults_are_the_dataclasses(cls: type) -> None:
    parameters = inspect.signature(cls).parameters
    assert list(parameters) == [item.name for item in dataclasses.fields(cls)]
    for item in dataclasses.fields(cls):
        expected = inspect.Parameter.empty if item.default is dataclasses.MISSING \
            else item.default
        assert parameters[item.name].default == expected


def test_defaults_are_used_and_records_stay_frozen() -> None:
    node = Node("text", text="x", line=3)
    assert (node.children, node.attrs, node.col, node.end_line, node.formula) == \
        ((), (), 0, 0, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.text = "y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Node()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Node("text", nonsense=1)  # type: ignore[call-arg]
    assert dataclasses.replace(node, text="y") == Node("text", text="y", line=3)


def test_a_card_pickles_and_compares_as_made() -> None:
    loc = SourceLoc("notes.md", 4, 2)
    formula = Formula("x^2", False, loc)
    answer = (Node("paragraph", (Node("math_inline", text="x^2", formula=formula, line=5,
                                      col=3),), line=5, col=1, end_line=5),)
    card = Card("deck / q", None, (Node("text", text="q", line=4, col=5),), "q", answer,
                ("sec",), loc, (formula,), (), 5)
    section = Section(("sec",), loc, (card,))
    assert pickle.loads(pickle.dumps(section)) == section
    assert hash(Diagnostic(loc, "warning", "m", "code")) == \
        hash(Diagnostic(SourceLoc("notes.md", 4, 2), "warning", "m", "code"))
    assert Formula("x^2", False, SourceLoc("other.md", 9)) == formula  # loc not compared


def test_a_field_with_a_default_factory_is_refused() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Listed(model._Record):
        items: tuple[int, ...] = dataclasses.field(default_factory=tuple)

    with pytest.raises(TypeError, match="only plain defaults"):
        model._quick_init(Listed)


def test_a_record_with_a_post_init_is_refused() -> None:
    """The quick ``__init__`` would skip it: whatever it checks or fills would go unsaid."""
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked(model._Record):
        size: int

        def __post_init__(self) -> None:
            if self.size < 0:
                raise ValueError("negative")

    with pytest.raises(TypeError, match="__post_init__"):
        model._quick_init(Checked)

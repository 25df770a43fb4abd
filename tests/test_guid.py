"""New notes' GUIDs: exactly genanki's, though the package writer is not loaded for them."""

from __future__ import annotations

import genanki
from hypothesis import given
from hypothesis import strategies as st

from builder.anki.apkg import guid_for


@given(st.text())
def test_guid_is_genankis_for_any_key(key: str) -> None:
    assert guid_for(key) == genanki.guid_for(key)


def test_guid_of_keys_already_in_locks() -> None:
    # Written down once, from locks in use: a changed GUID makes Anki add the note again.
    assert guid_for("a / S / q?") == "eQEYLug,/V"
    assert guid_for("") == genanki.guid_for("")

"""What every build pays before its work: the code version it hashes and the libraries it
loads.  Cheaper ways to the same answers must give the same answers."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.anki import lock
from builder.support import codeversion, yamlload
from builder.support.codeversion import RUNTIME_LIBRARIES, code_version, installed_version


def _importlib_version(library: str) -> str | None:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return None


@pytest.fixture
def fresh_versions() -> Iterator[None]:
    """Forget the versions and hashes found so far, before and after the test."""
    caches = (codeversion._metadata_folders, installed_version, code_version)
    for cached in caches:
        cached.cache_clear()
    yield
    for cached in caches:
        cached.cache_clear()


@pytest.mark.usefixtures("fresh_versions")
def test_installed_versions_are_those_importlib_metadata_reads() -> None:
    """The caches' keys stay what they were: every library's version as
    ``importlib.metadata`` gives it, None for one not installed."""
    for library in (*RUNTIME_LIBRARIES, "build-deck", "pytest", "no-such-library-here"):
        assert installed_version(library) == _importlib_version(library), library
    assert installed_version("genanki") is not None


@pytest.mark.usefixtures("fresh_versions")
def test_a_library_upgrade_changes_the_code_version(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A library found earlier on ``sys.path`` (a newer install) is the one whose version
    counts, as for ``importlib.metadata``; so a cache made with the old one is not reused."""
    before = code_version(RUNTIME_LIBRARIES)
    info = tmp_path / "GenAnki-99.1.dist-info"  # spelled as an installer may spell it
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: genanki\nVersion: 99.1\n\n"
                                   "Version: 0.0 (the body, not a header)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for cached in (codeversion._metadata_folders, installed_version, code_version):
        cached.cache_clear()
    assert installed_version("genanki") == _importlib_version("genanki") == "99.1"
    assert code_version(RUNTIME_LIBRARIES) != before


def test_the_code_version_hashes_the_same_files_and_versions() -> None:
    """Read without importlib.resources and importlib.metadata, the hash is the one they
    gave: the builder's files by their names in the package, then each library's version."""
    import builder

    package = Path(builder.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".typ")
                       and "__pycache__" not in p.parts):
        name = path.relative_to(package).as_posix()
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes())
    for library in RUNTIME_LIBRARIES:
        version = _importlib_version(library)
        digest.update(f"\0{library}={version}".encode() if version else f"\0{library}".encode())
    assert code_version(RUNTIME_LIBRARIES, (".py", ".typ")) == digest.hexdigest()


@pytest.mark.parametrize("text", ["a: [1, 2", "a: b\n c: d\n", "{a: 1", "- a\nb: c\n",
                                  "key: 'open"])
def test_yaml_errors_say_what_pyyaml_says(text: str) -> None:
    """PyYAML's errors come out as ours (so the parser need not load PyYAML to name them),
    with its message, its problem and the place it points at."""
    with pytest.raises(yaml.YAMLError) as theirs:
        yaml.safe_load(text)
    for load in (yamlload.load_yaml, yamlload.load_plain,
                 yamlload.load_yaml_with_places):
        with pytest.raises(yamlload.YAMLError) as ours:
            load(text)
        assert str(ours.value) == str(theirs.value)
        mark = theirs.value.problem_mark  # type: ignore[attr-defined]
        assert yamlload.error_place(ours.value) == (mark.line, mark.column)
        assert yamlload.yaml_problem(ours.value) == theirs.value.problem  # type: ignore[attr-defined]


def test_refused_yaml_is_a_yaml_error_with_its_place() -> None:
    with pytest.raises(yamlload.YamlRefused) as refused:
        yamlload.load_yaml("a: &x 1\nb: *x\n")
    assert isinstance(refused.value, yamlload.YAMLError)
    assert yamlload.error_place(refused.value) == (1, 3)
    assert str(refused.value) == yamlload.yaml_problem(refused.value) \
        == "aliases (*name) are not allowed"


def test_genanki_reads_yaml_through_its_stand_in() -> None:
    """genanki is imported without PyYAML, and still reads a note type given as YAML
    (the builder gives lists); afterwards ``import yaml`` is PyYAML itself."""
    script = (
        "import sys\n"
        "from builder.anki.apkg import _import_genanki\n"
        "_import_genanki()\n"
        "assert 'yaml' not in sys.modules and 'cached_property' not in sys.modules\n"
        "import genanki\n"
        "model = genanki.Model(1, 'm', fields='- name: Front\\n- name: Back\\n',\n"
        "                      templates='- {name: C, qfmt: \"{{Front}}\", afmt: \"{{Back}}\"}')\n"
        "assert model.fields == [{'name': 'Front'}, {'name': 'Back'}], model.fields\n"
        "assert model._req == [[0, 'all', [0]]], model._req\n"
        "import yaml\n"
        "assert type(yaml).__name__ == 'module' and yaml.safe_load('a: 1') == {'a': 1}\n")
    _passes_in_a_fresh_python(script)


_TEXT = st.text(max_size=30) | st.sampled_from(
    ['"', "\\", "\x00\x1f", "}, {", '": "', "\u2028", "题目“引号”", "a\nb"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_TEXT, st.builds(
    lock.LockEntry, guid=_TEXT, hash=_TEXT, changed=st.integers(0, 2**32 - 1),
    question=_TEXT, file=_TEXT, answer=_TEXT, sketch=_TEXT,
    removed=st.none() | st.integers(0, 2**32 - 1)), max_size=6))
def test_the_lock_is_written_as_json_writes_each_note(entries: dict[str, lock.LockEntry]
                                                      ) -> None:
    """Each note's line is put together from its values' JSON; it must be the line
    ``json.dumps`` writes for the note (what the lock was before, byte for byte)."""
    written = lock.dumps(lock.Lock(entries, "abc", 7))
    encoder = json.JSONEncoder(ensure_ascii=False).encode
    notes = sorted(entries.items())
    expected = ['{', f' "version": {lock.LOCK_VERSION},',
                ' "notetype": {"hash": "abc", "changed": 7},', ' "notes": {']
    for index, (key, entry) in enumerate(notes):
        values = {name: value for name, value in entry._asdict().items()
                  if value is not None}
        comma = "," if index < len(notes) - 1 else ""
        expected.append(f"  {encoder(key)}: {encoder(values)}{comma}")
    assert written == "\n".join([*expected, " }", "}"]) + "\n"
    assert json.loads(written)["notes"] == {
        key: {name: value for name, value in entry._asdict().items() if value is not None}
        for key, entry in entries.items()}


def test_the_collector_is_set_before_the_command_line_loads_its_libraries() -> None:
    """Both entry points (``python -m builder``, the ``build-deck`` script) import
    ``builder.cli``; click and what follows load with the command's thresholds."""
    script = (
        "import gc, sys\n"
        "seen = {}\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        seen.setdefault(name, gc.get_threshold())\n"
        "sys.meta_path.insert(0, Watch())\n"
        "import builder.cli\n"
        "assert seen['click'] == builder.cli.GC_THRESHOLDS, seen['click']\n")
    _passes_in_a_fresh_python(script)


def _passes_in_a_fresh_python(script: str) -> None:
    """Run ``script`` in a new interpreter (what it imports is not loaded yet) from the
    project's folder; its assertions must hold."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr

"""The text catalogue: one file, every key in both languages, every key the code uses there."""

import re
import tomllib
from pathlib import Path

import pytest

import adoption
from adoption.core.errors import ParameterError
from adoption.report import text


def test_every_key_has_both_languages_and_nothing_else():
    raw = tomllib.loads(text.CATALOGUE_FILE.read_text(encoding="utf-8"))
    for key, entry in raw.items():
        assert set(entry) == {"vi", "en"}, f"{key}: languages {sorted(entry)}"
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key


def test_placeholders_agree_between_languages():
    for key, entry in text.catalogue().items():
        assert set(re.findall(r"{(\w+)}", entry["vi"])) == set(re.findall(r"{(\w+)}", entry["en"])), key


def test_a_key_in_one_language_only_is_caught(tmp_path, monkeypatch):
    # The check above must fail on a catalogue with a missing translation.
    broken = tmp_path / "text.toml"
    broken.write_text('[ok]\nvi = "có"\nen = "yes"\n\n[half]\nvi = "chỉ tiếng Việt"\n', encoding="utf-8")
    monkeypatch.setattr(text, "CATALOGUE_FILE", broken)
    with pytest.raises(AssertionError, match="half"):
        test_every_key_has_both_languages_and_nothing_else()


def _keys_used_in_code() -> set[str]:
    """Keys passed to label/heading/note/title/both in the package and the notebooks."""
    package = Path(adoption.__file__).parent
    sources = [p.read_text(encoding="utf-8") for p in package.rglob("*.py")]
    sources += [p.read_text(encoding="utf-8") for p in adoption.core.config.NOTEBOOKS_DIR.glob("*.ipynb")]
    pattern = re.compile(r"""\b(?:label|heading|note|both)\(\\?["']([a-z0-9_]+)\\?["']|(?:report|scope)=\\?["']([a-z0-9_]+)\\?["']""")
    found = set()
    for source in sources:
        for match in pattern.finditer(source):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_key_the_code_uses_is_in_the_catalogue():
    import adoption.core.config  # noqa: F401

    used = _keys_used_in_code()
    assert len(used) > 40
    missing = sorted(k for k in used if not text.has_label(k))
    assert not missing


def test_labels_and_errors():
    assert text.label("enterprises", "vi") == "Doanh nghiệp"
    with pytest.raises(KeyError, match="no text 'not_a_key' in text.toml"):
        text.label("not_a_key", "en")
    with pytest.raises(ParameterError, match="valid values: vi, en"):
        text.label("enterprises", "fr")

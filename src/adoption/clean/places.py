"""Places: district units, communes and industrial parks from any spelling.

Codes are those of the statistics office (GSO) in the reference data; a spelling that
could mean two places is left unresolved rather than guessed, and a near miss is
offered only as a hint in the reject reason (:func:`closest_district`).
"""

from __future__ import annotations

from difflib import get_close_matches
from functools import lru_cache

from ..core import reference
from ..core.text import fold, nfc, strip_prefix
from . import vocab
from .normalise import is_missing


@lru_cache(maxsize=1)
def _district_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for row in reference.districts().itertuples():
        index[fold(row.district_short)] = row.district_code
        index[fold(row.district)] = row.district_code
        index[row.district_code] = row.district_code
    return index


def district_code(value: str) -> str | None:
    """GSO code of a district unit from any spelling; None when it is not one of the 9.

    >>> [district_code(v) for v in ["TX. Bến Cát", "tp ben cat", "Thành phố Bến Cát", "721", "Ben Cat town"]]
    ['721', '721', '721', '721', None]
    """
    key = fold(str(value))
    index = _district_index()
    if key in index:
        return index[key]
    return index.get(strip_prefix(key, vocab.DISTRICT_PREFIXES))


def _commune_keys(value: str) -> list[str]:
    """Lookup keys of a commune spelling, most specific first: as written with its
    abbreviation spelled out (P. -> phuong), then without any prefix."""
    key = fold(str(value))
    keys = [key]
    for abbrev, full in vocab.COMMUNE_ABBREVIATIONS.items():
        if key.startswith(abbrev + " "):
            keys.append(full + key[len(abbrev):])
    keys.append(strip_prefix(key, vocab.COMMUNE_PREFIXES))
    return keys


def _unique_index(pairs) -> dict:
    """key -> value for keys that map to one value only (ambiguous keys are left out)."""
    seen: dict = {}
    for key, value in pairs:
        seen.setdefault(key, set()).add(value)
    return {key: next(iter(values)) for key, values in seen.items() if len(values) == 1}


@lru_cache(maxsize=1)
def _commune_index() -> dict[tuple[str, str], str]:
    units = reference.admin_units()
    return _unique_index(
        ((row.district_code, key), row.commune_code)
        for row in units.itertuples()
        for key in (fold(row.commune), strip_prefix(fold(row.commune), vocab.COMMUNE_PREFIXES), row.commune_code)
    )


def commune_code(value: str, district: str | None) -> str | None:
    """GSO code of a commune, looked up within its district; None if unknown or ambiguous.

    >>> commune_code("P. Hiệp Thành", "718"), commune_code("Phuong Hiep Thanh", "718"), commune_code("25741", "718")
    ('25741', '25741', '25741')
    """
    if district is None:
        return None
    index = _commune_index()
    return next((index[(district, k)] for k in _commune_keys(value) if (district, k) in index), None)


@lru_cache(maxsize=1)
def _commune_to_district() -> dict[str, str]:
    """Commune spelling -> district code, for spellings that occur in one district only."""
    units = reference.admin_units()
    return _unique_index(
        (key, row.district_code)
        for row in units.itertuples()
        for key in (fold(row.commune), strip_prefix(fold(row.commune), vocab.COMMUNE_PREFIXES), row.commune_code)
    )


def district_of_commune(value: str) -> str | None:
    """The district of a commune whose spelling occurs in one district only.

    >>> district_of_commune("Phuong Hiep Thanh"), district_of_commune("25741"), district_of_commune("P. Hiệp Thành")
    ('718', '718', '718')
    """
    index = _commune_to_district()
    return next((index[k] for k in _commune_keys(value) if k in index), None)


@lru_cache(maxsize=1)
def _district_names() -> dict[str, str]:
    units = reference.districts()
    return {fold(short): name for short, name in zip(units["district_short"], units["district"])}


def closest_district(value: str) -> str | None:
    """The official name of the district unit nearest to a misspelling, for messages only.

    Never used to fill a value: a near miss is rejected, with this as a hint.

    >>> closest_district("Thu Dau Mot city")
    'Thành phố Thủ Dầu Một'
    """
    keys = _district_names()
    key = strip_prefix(fold(str(value)), vocab.DISTRICT_PREFIXES)
    close = get_close_matches(key, list(keys), n=1, cutoff=0.6)
    if not close:
        close = [k for k in keys if k in key]
    return keys[close[0]] if close else None


@lru_cache(maxsize=1)
def _park_index() -> dict[str, str]:
    index = {}
    names = list(reference.industrial_parks()["park_name"]) + list(reference.reference_parks()["park_name_vi"])
    for name in names:
        key = strip_prefix(fold(name), vocab.PARK_PREFIXES)
        index.setdefault(key, name)
    return index


def park_name(value: str) -> str | None:
    """Canonical name of an industrial park from any spelling; other names kept as written (NFC).

    >>> park_name("Khu công nghiệp Song Than 2"), park_name("KCN Mới")
    ('KCN Sóng Thần 2', 'KCN Mới')
    """
    text = str(value)
    if not text.strip() or is_missing(text):
        return None
    key = strip_prefix(fold(text), vocab.PARK_PREFIXES)
    return _park_index().get(key, nfc(text))



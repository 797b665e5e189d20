"""The text catalogue: every word a report shows, in Vietnamese and English.

The words live in one data file, ``text.toml`` beside this module, keyed by name; code
refers to them by key only. Vietnamese is the default language of every report.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from ..core.errors import ParameterError
from ..core.scope import BINH_DUONG, recorded_code

LANGUAGES = ("vi", "en")
CATALOGUE_FILE = Path(__file__).with_name("text.toml")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """The whole catalogue: key -> {language: text}, read once."""
    with open(CATALOGUE_FILE, "rb") as handle:
        return tomllib.load(handle)


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a report language, else raise listing the valid ones.

    >>> check_lang("en")
    'en'
    """
    if lang not in LANGUAGES:
        raise ParameterError(f"lang {lang!r} is not a report language; valid values: {', '.join(LANGUAGES)}")
    return lang


def has_label(key: str) -> bool:
    """True when ``key`` is in the catalogue."""
    return key in catalogue()


def label(key: str, lang: str, **values) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    A key missing from the catalogue is an error: a report never shows a bare key.

    >>> label("adopters", "en")
    'Enterprises using digital platforms'
    >>> label("index_heading", "vi")
    'Báo cáo chuyển đổi số doanh nghiệp'
    """
    entry = catalogue().get(key)
    if entry is None:
        raise KeyError(f"no text {key!r} in {CATALOGUE_FILE.name}; add it there in both languages")
    text = entry[check_lang(lang)]
    return text.format(**values) if values else text


def on_map(key: str, map_: str | None) -> str:
    """The key of ``key``'s text for a report on ``map_``: ``<key>_2025`` where the
    catalogue words it differently for the 2025 map, ``key`` otherwise.

    >>> on_map("by_district", "2025"), on_map("by_district", "2023"), on_map("lang", "2025")
    ('by_district_2025', 'by_district', 'lang')
    """
    variant = f"{key}_{map_}"
    return variant if map_ and map_ != "2023" and variant in catalogue() else key


def both(key: str, **values) -> str:
    """The text of ``key`` in Vietnamese and English, ``vi / en``, for bilingual pages.

    >>> both("index_report")
    'Báo cáo / Report'
    """
    return " / ".join(label(key, lang, **values) for lang in LANGUAGES)


def banner_key(quality: dict) -> str:
    """The label of the synthetic-data banner of clean data (``quality``): only Bình Dương's
    part of a synthetic register is calibrated to published figures."""
    return "synthetic_banner" if recorded_code(quality) == BINH_DUONG else "synthetic_banner_scope"

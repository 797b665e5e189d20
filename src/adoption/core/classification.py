"""The two versions of the industry classification side by side: VSIC 2018 (Decision
27/2018/QĐ-TTg) and VSIC 2025 (Decision 36/2025/QĐ-TTg, in force from 15 November 2025).

A four-digit code names a class of one version; 404 codes exist in both and 92 of them do
not mean the same activity (2018 ``4661`` is wholesale of fuels, 2025 ``4661`` wholesale
of motor vehicles). The official conversion (``vsic2018_2025_crosswalk.csv``, letter
3061/CTK-CSCL) links the classes of the two versions; this module reads it both ways.

The sector groups are defined on VSIC 2018 (:data:`adoption.core.reference.ICT_CLASSES`
and its neighbours). On VSIC 2025 they are derived from the conversion, not typed again:
a 2025 class belongs to a group when every VSIC 2018 class it takes activities from
belongs to it. A 2025 class that takes activities from both group and non-group 2018
classes (``5912``, ``5920``, ``6039``, ``9540``; ``6390`` for the ICT sector only) is
*in part* in the group: it is not counted in the group, and :func:`vsic2025_classes`
marks it so that the cleaning can count the firms this rule leaves out.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import pandas as pd

from . import reference
from .errors import ParameterError

VERSIONS = ("2018", "2025")
IN_FORCE_2025 = date(2025, 11, 15)  # Decision 36/2025/QĐ-TTg, Art. 3


def vsic2025_codes() -> pd.DataFrame:
    """VSIC 2025 at every level: ``code``, ``level``, ``name_vi``, ``parent_code``, ``section``.

    >>> codes = vsic2025_codes()
    >>> codes["level"].value_counts().sort_index().tolist()
    [22, 87, 259, 495, 743]
    """
    return reference.read("vsic2025_codes.csv").copy()


def crosswalk() -> pd.DataFrame:
    """The official conversion at the class level: ``vsic4`` (2018), ``vsic2025_4``, ``relation``.

    >>> table = crosswalk()
    >>> sorted(table.loc[table["vsic4"] == "6201", "vsic2025_4"])
    ['6211', '6219']
    """
    raw = reference.read("vsic2018_2025_crosswalk.csv")
    classes = raw[raw["level"] == "4"]
    return pd.DataFrame({"vsic4": classes["vsic2018_code"].to_numpy(), "vsic2025_4": classes["vsic2025_code"].to_numpy(),
                         "relation": classes["relation"].to_numpy()})


@lru_cache(maxsize=None)
def links() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """The conversion as two maps: each 2018 class to its 2025 classes, each 2025 class to
    its 2018 classes (read once; callers must not change them).

    >>> to_2025, to_2018 = links()
    >>> sorted(to_2025["3100"]), sorted(to_2018["4711"])
    (['3101', '3102', '3109'], ['4711', '4791', '4799'])
    """
    table = crosswalk()
    to_2025 = table.groupby("vsic4")["vsic2025_4"].agg(frozenset).to_dict()
    to_2018 = table.groupby("vsic2025_4")["vsic4"].agg(frozenset).to_dict()
    return to_2025, to_2018


def vsic2025_classes() -> pd.DataFrame:
    """The 495 VSIC 2025 classes with division, section, the 2018 classes they come from,
    and the two sector groups derived from them.

    ``is_ict`` / ``is_digital_tech``: every 2018 class the 2025 class takes activities
    from is in the group. ``is_ict_in_part`` / ``is_digital_tech_in_part``: some are and
    some are not; such a class is not counted in the group.

    >>> classes = vsic2025_classes().set_index("vsic2025_4")
    >>> classes.loc[["6211", "6220", "4661", "5912"], ["is_ict", "is_ict_in_part"]].to_numpy().tolist()
    [[True, False], [True, False], [False, False], [False, True]]
    """
    return _vsic2025_classes().copy()


@lru_cache(maxsize=1)
def _vsic2025_classes() -> pd.DataFrame:
    """:func:`vsic2025_classes`, built once (callers get a copy)."""
    codes = vsic2025_codes()
    classes = codes[codes["level"] == "4"]
    old = reference.vsic_classes()
    _, to_2018 = links()
    sources = [sorted(to_2018.get(code, ())) for code in classes["code"]]
    out = pd.DataFrame({
        "vsic2025_4": classes["code"].to_numpy(),
        "name_vi": classes["name_vi"].to_numpy(),
        "vsic2025_division": classes["code"].str[:2].to_numpy(),
        "vsic2025_section": classes["section"].to_numpy(),
        "from_2018": ["|".join(s) for s in sources],
    })
    for flag in ("is_ict", "is_digital_tech"):
        # A source missing from the 2018 classes is an error, as a lookup by label was.
        in_group = dict(zip(old["vsic4"], old[flag].astype(bool)))
        counts = [(sum(in_group[c] for c in s), len(s)) for s in sources]
        out[flag] = [bool(n) and k == n for k, n in counts]
        out[f"{flag}_in_part"] = [0 < k < n for k, n in counts]
    return out


def classes(version: str) -> pd.DataFrame:
    """The classes of one version under common names: ``code``, ``name_vi``, ``division``,
    ``section``, ``is_ict``, ``is_digital_tech`` (and ``*_in_part`` for 2025, false for 2018).

    >>> classes("2018").set_index("code").loc["6201", "section"], classes("2025").set_index("code").loc["6211", "section"]
    ('J', 'K')
    """
    if version == "2018":
        table = reference.vsic_classes().rename(columns={"vsic4": "code", "vsic_division": "division", "vsic_section": "section"})
        return table.assign(is_ict_in_part=False, is_digital_tech_in_part=False)
    if version == "2025":
        return vsic2025_classes().drop(columns="from_2018").rename(
            columns={"vsic2025_4": "code", "vsic2025_division": "division", "vsic2025_section": "section"})
    raise ParameterError(f"VSIC version {version!r}: expected one of {', '.join(VERSIONS)}")

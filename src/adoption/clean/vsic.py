"""The main activity read in its own version of the classification: VSIC 2018 or VSIC 2025.

Registers exported since 15 November 2025 mix the two: new firms carry VSIC 2025 codes,
older ones keep their VSIC 2018 codes until they amend them, and 404 four-digit codes
exist in both, 92 of them with another meaning. The version of each code is decided from
evidence, in this order; the first that applies decides and is recorded in
``vsic_evidence``:

1. ``header``: the column's header (or a setting for the file) names the version;
2. ``description``: the text written beside the code matches the code's name in one
   version only (compared folded, tolerant of small differences);
3. ``one_version_only``: the code is a class of one version only;
4. ``registered_after_2025_11_15``: the firm was registered on or after the day VSIC 2025
   came into force. A date before that decides nothing (an older firm may have amended).

Evidence that names a version in which the code is no class does not apply. Evidence
that points to the other version than the one decided is a conflict, counted. A code of
both versions with no evidence is ``ambiguous``: kept, never guessed; each class,
division, section and sector flag is filled where both readings agree, null otherwise.
Either way the other version's class is filled where the official conversion determines
it (one class, or several merged into one), null where it splits the class.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
import pandas as pd

from ..core import classification
from ..core.errors import ParameterError
from ..core.schema import SOURCE_COLUMNS, VSIC_EVIDENCE, Enterprises as E
from ..core.text import fold
from . import vocab
from .distinct import distinct
from .rejects import flagged

EVIDENCE = VSIC_EVIDENCE
AMBIGUOUS = "ambiguous"
# Folded descriptions at least this similar to a class name (difflib ratio) match it: a
# typo or a dropped word still matches, another activity does not.
DESCRIPTION_MATCH = 0.85
# A description shorter than this is not compared (a section letter, "SX", "TM").
DESCRIPTION_MIN_CHARS = 8

_CODE = re.compile(r"^\s*(?:[A-Va-v]\s*[-.:]?\s*)?(\d{4,5})\b(.*)$", re.DOTALL)
_SEPARATORS = " \t-–—:.,;|/()[]\"'"
# Columns derived from a class, filled where every reading of the code agrees.
_DERIVED = (E.vsic4, E.vsic_division, E.vsic_section, E.vsic2025_4, E.vsic2025_division, E.vsic2025_section,
            E.is_ict, E.is_digital_tech)


def split_code(value: object) -> tuple[str | None, str]:
    """The 4-digit class of a code written in any usual way, and the text written beside it.

    >>> split_code("4661 - Bán buôn ô tô và xe có động cơ khác")
    ('4661', 'Bán buôn ô tô và xe có động cơ khác')
    >>> split_code("C2610"), split_code("62010 (Lập trình máy vi tính)"), split_code("abc")
    (('2610', ''), ('6201', 'Lập trình máy vi tính'), (None, ''))
    """
    match = _CODE.match(str(value))
    if not match:
        return None, ""
    return match.group(1)[:4], match.group(2).strip(_SEPARATORS)


def header_version(header: str) -> str | None:
    """The version a header of the main-activity column names, if any.

    >>> header_version("Mã ngành VSIC 2025"), header_version("vsic 2018"), header_version("Mã ngành")
    ('2025', '2018', None)
    """
    key = fold(str(header))
    for version, names in vocab.VSIC_VERSION_HEADERS.items():
        if key in {fold(name) for name in names}:
            return version
    return None


def header_versions(tables, setting: str | None = None) -> dict[str, str]:
    """For each raw register file (:class:`~adoption.clean.read.RawTable`): the version its
    main-activity header names (in every sheet alike), or else ``setting``, the version a
    user states for the files (``"2018"`` or ``"2025"``): file name -> version."""
    if setting is not None and setting not in classification.VERSIONS:
        raise ParameterError(f"VSIC version {setting!r}: expected one of {', '.join(classification.VERSIONS)}")
    named = {}
    for table in tables:
        versions = {header_version(h) for h, canonical in table.header_map.items() if canonical == "vsic"}
        if len(versions) == 1 and None not in versions:
            named[table.path.name] = versions.pop()
        elif setting is not None:
            named[table.path.name] = setting
    return named


@lru_cache(maxsize=None)
def _names() -> dict[str, dict[str, str]]:
    """Each 4-digit code: its folded name in each version where it is a class."""
    names: dict[str, dict[str, str]] = {}
    for version in classification.VERSIONS:
        for code, name in zip(*(classification.classes(version)[c] for c in ("code", "name_vi"))):
            names.setdefault(code, {})[version] = fold(name)
    return names


def _matches(text: str, name: str) -> bool:
    return text == name or name.startswith(text + " ") or SequenceMatcher(None, text, name).ratio() >= DESCRIPTION_MATCH


def description_version(code: str | None, description: str) -> str | None:
    """The version whose name for ``code`` the description matches, when only one does.

    >>> description_version("4661", "Bán buôn ô tô và xe có động cơ khác")
    '2025'
    >>> description_version("4661", "ban buon nhien lieu ran long khi va cac san pham lien quan")
    '2018'
    >>> description_version("4690", "Bán buôn tổng hợp") is None  # the same name in both
    True
    """
    text = fold(description)
    names = _names().get(code or "", {})
    if len(text) < DESCRIPTION_MIN_CHARS or not names:
        return None
    exact = [v for v, name in names.items() if name == text]
    matched = exact if len(exact) == 1 else [v for v, name in names.items() if _matches(text, name)]
    return matched[0] if len(matched) == 1 else None


def _one(values) -> object:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


@lru_cache(maxsize=None)
def readings() -> pd.DataFrame:
    """Every (version, code) a main activity can be read as, with the columns it fills:
    one row per class of each version, and one ``ambiguous`` row per code of both.

    >>> table = readings().set_index(["vsic_version", "code"])
    >>> table.loc[("2018", "4661"), ["vsic4", "vsic2025_4"]].tolist(), table.loc[("2025", "4661"), ["vsic4", "vsic2025_4"]].tolist()
    (['4661', '4671'], ['4511', '4661'])
    >>> table.loc[("ambiguous", "4661"), ["vsic4", "vsic_section"]].fillna("-").tolist(), table.loc[("ambiguous", "4690"), "vsic4"]
    (['-', 'G'], '4690')
    """
    old, new = (classification.classes(v).set_index("code") for v in classification.VERSIONS)
    to_2025, to_2018 = classification.links()
    # Each class as a dict of its columns, by code (a code not in the table is a KeyError, as with .loc).
    old_rows, new_rows = (dict(zip(t.index, t.to_dict("records"))) for t in (old, new))
    rows = []
    for version, codes in (("2018", old.index), ("2025", new.index), (AMBIGUOUS, old.index.intersection(new.index))):
        for code in codes:
            as_2018 = {code} if version != "2025" else set(to_2018.get(code, ()))
            as_2025 = {code} if version != "2018" else set(to_2025.get(code, ()))
            if version == AMBIGUOUS:
                as_2018 |= set(to_2018.get(code, ()))
                as_2025 |= set(to_2025.get(code, ()))
            own = [t[code] for t, v in ((old_rows, "2018"), (new_rows, "2025")) if version in (v, AMBIGUOUS)]
            flags = {flag: [bool(row[flag]) for row in own] for flag in (E.is_ict, E.is_digital_tech)}
            rows.append({
                "vsic_version": version, "code": code,
                E.vsic4: _one(as_2018), E.vsic_division: _one(c[:2] for c in as_2018),
                E.vsic_section: _one(old_rows[c]["section"] for c in as_2018),
                E.vsic2025_4: _one(as_2025), E.vsic2025_division: _one(c[:2] for c in as_2025),
                E.vsic2025_section: _one(new_rows[c]["section"] for c in as_2025),
                # A flag the readings disagree on is not set; the row is counted as undecided.
                **{flag: all(values) for flag, values in flags.items()},
                "flags_undecided": any(len(set(values)) > 1 for values in flags.values()),
                "in_part": any(bool(row["is_ict_in_part"] or row["is_digital_tech_in_part"]) for row in own),
            })
    return pd.DataFrame(rows)


def read_vsic(values: pd.Series, *, header: pd.Series | None = None, registered: pd.Series | None = None) -> pd.DataFrame:
    """Each main activity read in its version, from the evidence the row holds.

    ``header``: the version the column's header (or a setting for the file) names, per
    row, or null; ``registered``: the registration date, per row. Returns, on the index of
    ``values``, the contract's columns (``vsic4``, ``vsic_division``, ``vsic_section``,
    ``vsic_version``, ``vsic2025_4``, ``vsic2025_division``, ``vsic2025_section``,
    ``vsic_evidence``, ``is_ict``, ``is_digital_tech``) and ``code`` (the 4-digit code as
    written), ``conflict`` (evidence pointed to the other version too), ``flags_undecided``
    and ``in_part`` (a VSIC 2025 class partly in a sector group, not counted in it). A code
    of neither version has a null ``vsic_version``.

    >>> read = read_vsic(pd.Series(["4661", "4661", "4661 - Bán buôn ô tô và xe có động cơ khác", "6201", "9999"]),
    ...                  header=pd.Series(["2018", None, None, None, None]))
    >>> read[["vsic_version", "vsic_evidence", "vsic4", "vsic2025_4"]].fillna("-").to_numpy().tolist()
    [['2018', 'header', '4661', '4671'], ['ambiguous', '-', '-', '-'], ['2025', 'description', '4511', '4661'], \
['2018', 'one_version_only', '6201', '-'], ['-', '-', '-', '-']]
    """
    index = values.index
    header = pd.Series(None, index=index, dtype=object) if header is None else header.reindex(index).astype(object)
    after = np.zeros(len(index), dtype=bool)
    if registered is not None:
        after = (pd.to_datetime(registered.reindex(index)) >= pd.Timestamp(classification.IN_FORCE_2025)).fillna(False)
        after = after.to_numpy(dtype=bool)
    # A row's reading depends on its value, header and date only: each combination is read once.
    d = distinct(values)
    headers, named = pd.factorize(header, use_na_sentinel=False)
    combination = (d.codes.astype(np.int64) * (len(named) + 1) + headers) * 2 + after
    _, firsts, rows = np.unique(combination, return_index=True, return_inverse=True)
    read = _read_combinations(values.iloc[firsts].reset_index(drop=True), header.iloc[firsts].reset_index(drop=True),
                              pd.Series(after[firsts]))
    return read.iloc[rows].set_axis(index)


def _read_combinations(values: pd.Series, header: pd.Series, after: pd.Series) -> pd.DataFrame:
    """:func:`read_vsic` of rows given the version their header names and whether they
    were registered after VSIC 2025 came into force."""
    index = values.index
    names = _names()
    # Each distinct value read once: its code, whether each version has that class, and
    # the version its description names.
    d = distinct(values)
    parts = [split_code(value) for value in d.values]
    code_of = np.array([c for c, _ in parts], dtype=object)
    code = pd.Series(d.per_row(code_of), index=index, dtype=object)
    exists = {v: pd.Series(d.per_row(np.array([v in names.get(c or "", {}) for c in code_of], dtype=bool)), index=index)
              for v in classification.VERSIONS}
    said = pd.Series(None, index=index, dtype=object).mask(after.astype(bool), "2025")
    described = np.array([description_version(f"{c}", text) for c, text in parts], dtype=object)
    candidates = {
        "header": header.where(header.isin(classification.VERSIONS)),
        "description": pd.Series(d.per_row(described), index=index, dtype=object),
        "one_version_only": pd.Series(None, index=index, dtype=object).mask(exists["2018"] & ~exists["2025"], "2018")
                                                                      .mask(exists["2025"] & ~exists["2018"], "2025"),
        "registered_after_2025_11_15": said,
    }
    version = pd.Series(None, index=index, dtype=object)
    evidence = pd.Series(None, index=index, dtype=object)
    for kind in EVIDENCE:
        named = candidates[kind]
        # Evidence applies only where the code is a class of the version it names.
        applies = version.isna() & pd.Series(np.logical_or.reduce(
            [(named == v).fillna(False).to_numpy(dtype=bool) & exists[v].to_numpy() for v in classification.VERSIONS]),
            index=index)
        version, evidence = version.mask(applies, named), evidence.mask(applies, kind)
    known = exists["2018"] | exists["2025"]
    version = version.mask(known & version.isna(), AMBIGUOUS)
    conflict = pd.Series(False, index=index)
    for named in candidates.values():
        conflict |= (named.notna() & version.isin(classification.VERSIONS) & (named != version)).fillna(False)
    keys = pd.MultiIndex.from_arrays([version.fillna(""), code.fillna("")])
    found = readings().set_index(["vsic_version", "code"]).reindex(keys)
    out = pd.DataFrame({column: found[column].to_numpy() for column in found.columns}, index=index)
    for flag in (E.is_ict, E.is_digital_tech, "flags_undecided", "in_part"):
        out[flag] = out[flag].astype("boolean").fillna(False).astype(bool)
    out["vsic_version"], out["vsic_evidence"], out["code"], out["conflict"] = version, evidence, code, conflict
    strings = [c for c in out.columns if out[c].dtype == object]
    out[strings] = out[strings].astype("string")
    return out


def vsic_reason(value: str) -> str:
    """Why a main activity was rejected."""
    if not str(value).strip():
        return "the main activity (VSIC code) is empty"
    return (
        f"main activity {value!r} is not a class of VSIC 2018 or VSIC 2025 in the reference lists "
        "(reference_data/vsic2018_codes.csv holds 464 of the 486 VSIC 2018 classes; see SOURCES.md)"
    )


def vsic_flags(read: pd.DataFrame, raw: pd.DataFrame, named: dict[str, str] | None = None,
               at: np.ndarray | None = None) -> dict[str, dict]:
    """What quality.json reports of the versions: counts by version and evidence, the files
    whose header or setting ``named`` a version, and the rows (first 50) read as ambiguous,
    with conflicting evidence, or in a class partly in a sector group. ``read`` holds the
    (kept) rows of ``raw`` at ``at`` (or the same rows, in the same order)."""
    def rows(mask: pd.Series) -> dict:
        return flagged(raw, mask.to_numpy(dtype=bool), SOURCE_COLUMNS + ["vsic"], at)

    version = read["vsic_version"].reset_index(drop=True)
    return {
        "vsic_version": {
            "meaning": "rows by the VSIC version their main activity was read in, and by the evidence that decided it",
            "count": int(version.notna().sum()),
            "by_version": {v: int((version == v).sum()) for v in (*classification.VERSIONS, AMBIGUOUS)},
            "by_evidence": {e: int((read["vsic_evidence"] == e).sum()) for e in EVIDENCE},
            "files_naming_version": dict(sorted((named or {}).items())),
        },
        "vsic_ambiguous": {
            "meaning": "a code of both VSIC 2018 and VSIC 2025 with no evidence of its version: kept; its classes and "
                       "flags filled only where both readings agree",
            **rows(version == AMBIGUOUS),
            "classes_unknown": int(((version == AMBIGUOUS).to_numpy() & read[E.vsic4].isna().to_numpy()).sum()),
            "flags_undecided": int(read["flags_undecided"].sum()),
        },
        "vsic_evidence_conflict": {
            "meaning": "evidence pointed to both versions: the first in order (header, description, code of one "
                       "version only, registration date) decided",
            **rows(read["conflict"].reset_index(drop=True)),
        },
        "vsic_sector_in_part": {
            "meaning": "a VSIC 2025 class that takes activities from both sector-group and other VSIC 2018 classes "
                       "(5912, 5920, 6039, 6390, 9540): not counted in the group (docs/glossary.md)",
            **rows(read["in_part"].reset_index(drop=True)),
        },
    }

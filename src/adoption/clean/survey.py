"""Cleaning the technology survey: answers as booleans, joined to the register, weighted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.schema import DII_INDICATORS, SOURCE_COLUMNS, STRATUM_KEYS, Survey as S, columns, in_scope_mask
from ..core.text import fold
from . import vocab
from .distinct import is_in
from .duplicates import keep_first
from .normalise import OUT_OF_RANGE, clean_tax_codes, clean_text, map_unique, read_numbers
from .rejects import Stage, split, unparsed_values

# The register's columns the survey's cleaning reads (scope, strata, the columns it copies).
REGISTER_COLUMNS = tuple(dict.fromkeys(("tax_code", "status", "is_branch", "district_code", "size_class", "vsic_section",
                                        *(c for key in STRATUM_KEYS.values() for c in key), *SOURCE_COLUMNS)))


def _answer(value: str) -> bool | None:
    key = fold(str(value))
    return True if key in vocab.YES_TOKENS else False if key in vocab.NO_TOKENS else None


def _joined(frame: pd.DataFrame, sep: str) -> pd.Series:
    """Each row's values as text joined by ``sep`` (``" / ".join`` of the row, at once)."""
    parts = [frame[column].astype(str) for column in frame.columns]
    return parts[0].str.cat(parts[1:], sep=sep)


def _looked_up(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``keys.map(table)`` for a table of unique keys, found by its index."""
    return pd.Series(table.reindex(pd.Index(keys.to_numpy())).to_numpy(), index=keys.index, dtype=table.dtype)


def _weights(given: pd.Series, stratum: pd.Series, population: pd.Series, sample: pd.Series) -> np.ndarray:
    """Each row's weight: the one given, else its stratum's population over its sample."""
    strata = pd.Index(stratum.to_numpy())
    computed = (population.reindex(strata).to_numpy(dtype="float64", na_value=np.nan)
                / sample.reindex(strata).to_numpy(dtype="float64", na_value=np.nan))
    weight = np.where(given.notna().to_numpy(), given.to_numpy(dtype="float64", na_value=np.nan), computed)
    if np.isnan(weight).any():  # a stratum without population: fails as the row-by-row rule does
        return np.array([float(g) if pd.notna(g) else population[s] / sample[s] for g, s in zip(given, stratum)])
    return weight


def _strata_of(frame: pd.DataFrame, key: str) -> pd.Series:
    """Each row's stratum on ``key`` (its columns' values joined by ``|``); null where one is unknown."""
    columns = list(STRATUM_KEYS[key])
    # Each combination of values joined once (a register repeats them).
    groups = frame.groupby(columns, dropna=False, sort=False, observed=True).ngroup().to_numpy()
    _, first = np.unique(groups, return_index=True)
    parts = [frame[column].iloc[first].astype("string").reset_index(drop=True) for column in columns]
    joined = parts[0].str.cat(parts[1:], sep="|").where(pd.concat(parts, axis=1).notna().all(axis=1))
    return pd.Series(joined.array.take(groups), index=frame.index, dtype=joined.dtype)


def _written(values: pd.Series) -> pd.Series:
    """A stratum as a file writes it, in the register's spelling: ``721 | Small`` is ``721|small``."""
    return clean_text(values).str.replace(r"\s*\|\s*", "|", regex=True).str.lower()


@dataclass(frozen=True)
class RegisterStrata:
    """What the survey's cleaning needs of the clean register: the in-scope firms it may
    look up (indexed by tax code, at least :data:`REGISTER_COLUMNS`; all of them, or only
    those a survey names), and on each stratum key the number of in-scope firms by stratum
    (``counts``) and without one (``unplaced``). Built from the whole register in memory
    (:meth:`of`), or bucket by bucket and added up (:meth:`combine`)."""

    firms: pd.DataFrame
    counts: dict[str, pd.Series]
    unplaced: dict[str, int]

    @classmethod
    def of(cls, firms: pd.DataFrame, surveyed: pd.Series | None = None) -> RegisterStrata:
        """``firms`` (in scope, indexed by tax code) counted on every stratum key its
        columns hold; only the firms whose tax code is in ``surveyed`` kept for lookups."""
        keys = [k for k, columns in STRATUM_KEYS.items() if set(columns) <= set(firms.columns)]
        counts = {k: _stratum_counts(firms, k) for k in keys}
        unplaced = {k: len(firms) - int(counts[k].sum()) for k in keys}
        if surveyed is not None:
            firms = firms[is_in(firms.index.to_series(), surveyed.dropna())]
        return cls(firms, counts, unplaced)

    @classmethod
    def of_register(cls, enterprises: pd.DataFrame, surveyed: pd.Series | None = None) -> RegisterStrata:
        """:meth:`of` the in-scope firms of clean register rows."""
        # The columns taken before the rows: the other columns' rows are not copied.
        firms = enterprises[[c for c in REGISTER_COLUMNS if c in enterprises.columns]]
        return cls.of(firms[in_scope_mask(enterprises).to_numpy()].set_index("tax_code"), surveyed)

    @classmethod
    def combine(cls, parts: list[RegisterStrata]) -> RegisterStrata:
        """The strata of several disjoint sets of firms (buckets of tax codes; None for a
        bucket without firms) as one."""
        parts = [part for part in parts if part is not None]
        keys = [k for k in STRATUM_KEYS if all(k in part.counts for part in parts)]
        frames = [part.firms for part in parts]
        counts = {k: pd.concat([part.counts[k] for part in parts]).groupby(level=0, sort=False).sum().astype("int64")
                  for k in keys}
        return cls(pd.concat(frames) if frames else pd.DataFrame(), counts,
                   {k: sum(part.unplaced[k] for part in parts) for k in keys})


def surveyed_codes(raw: pd.DataFrame) -> pd.Series:
    """The clean tax codes a survey's rows name (each once): the firms its cleaning looks up."""
    codes, _ = clean_tax_codes(raw["tax_code"])
    return pd.Series(codes.dropna().unique(), dtype="string")


def _stratum_counts(frame: pd.DataFrame, key: str) -> pd.Series:
    """The number of rows of each stratum on ``key`` (rows with an unknown value left out),
    counted by combination of values: the strata's text made once a combination."""
    columns = list(STRATUM_KEYS[key])
    known = frame[columns].notna().all(axis=1).to_numpy()
    sizes = frame.loc[known, columns].groupby(columns, sort=False, observed=True).size()
    if not len(sizes):
        return pd.Series([], dtype="int64", index=pd.Index([], dtype="string"))
    text = _joined(sizes.index.to_frame(index=False), "|").astype("string")
    return pd.Series(sizes.to_numpy(), index=pd.Index(text.array)).groupby(level=0, sort=False).sum().astype("int64")


def recognise_strata(written: pd.Series, codes: pd.Series, firms: pd.DataFrame) -> tuple[str, str, dict[str, int]]:
    """The register key the survey's strata are built of (a name of :data:`STRATUM_KEYS`),
    what decided it (``file`` or ``register``) and, for each key, how many rows it matched.

    The key whose register strata the most written strata name; when the file names none
    (no stratum column, or none the register knows), the key on which the register
    places the most surveyed firms (``codes``, indexed like ``written``). Ties go to the
    key listed first.

    >>> firms = pd.DataFrame({"district_code": ["721", None], "commune2025_code": ["25747", "25750"],
    ...                       "size_class": ["small", "small"]}, index=["1", "2"])
    >>> recognise_strata(pd.Series(["25750|small", "x"]), pd.Series(["1", "2"]), firms)
    ('commune2025|size_class', 'file', {'district|size_class': 0, 'commune2025|size_class': 1})
    >>> recognise_strata(pd.Series([None, None]), pd.Series(["1", "2"]), firms)[:2]
    ('commune2025|size_class', 'register')
    """
    return _recognise(written, codes, RegisterStrata.of(firms, codes))


def _recognise(written: pd.Series, codes: pd.Series, register: RegisterStrata) -> tuple[str, str, dict[str, int]]:
    keys = list(register.counts)
    matched = {k: int(is_in(written, register.counts[k].index.to_series()).sum()) for k in keys}
    if max(matched.values()) > 0:
        return max(keys, key=lambda k: matched[k]), "file", matched
    placed = {k: int(_looked_up(codes, _strata_of(register.firms, k)).notna().sum()) for k in keys}
    return max(keys, key=lambda k: placed[k]), "register", matched


def clean_survey(raw: pd.DataFrame, enterprises: pd.DataFrame | RegisterStrata) -> tuple[Stage, pd.DataFrame]:
    """Survey rows joined to the in-scope register, with design weights and DII scores.

    The strata are those the file writes, on the register key they are built of (the
    2023 map's ``district|size_class`` or the 2025 map's ``commune2025|size_class``, see
    :func:`recognise_strata`); a row without a stratum the register knows takes its firm's
    stratum on that key. Weights: the file's ``weight`` where given; otherwise stratum
    population over stratum sample, the population counted in the clean register
    (in-scope head offices of the stratum; a firm the register cannot place on the key
    counts in the stratum its survey row gives). A firm answered twice keeps its first answer.
    ``stage.flags["survey"]`` says which key was used and why (``quality.json``, ``survey``).
    ``enterprises`` is the clean register, or what the survey needs of it (:class:`RegisterStrata`).
    """
    raw = raw.reset_index(drop=True)
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    register = enterprises if isinstance(enterprises, RegisterStrata) else RegisterStrata.of_register(enterprises, codes)
    firms = register.firms
    known = pd.Series(is_in(codes, firms.index.to_series()), index=codes.index)
    answers = pd.DataFrame({name: map_unique(raw[name], _answer) for name in DII_INDICATORS})
    bad_answer = answers.isna().any(axis=1)
    written = _written(raw["stratum"])
    key, decided_by, matched = _recognise(written, codes, register)
    register_stratum = _strata_of(firms, key)  # of the surveyed firms
    # The stratum the file writes is the design's: kept even where the register now places
    # the firm elsewhere (it moved) or nowhere (a 2025 unit of two districts).
    from_file = pd.Series(is_in(written, register.counts[key].index.to_series()), index=written.index)
    stratum = written.where(from_file, _looked_up(codes, register_stratum))
    # Design weights are fractions (stratum population over sample): read as given, not rounded.
    weight, weight_problem = read_numbers(raw["weight"], whole=False)
    zero = (weight == 0).fillna(False)  # no firm stands for no firm: a weight must be positive
    weight, weight_problem = weight.mask(zero), weight_problem.mask(zero, OUT_OF_RANGE)
    no_weight = weight.isna() & stratum.isna()
    no_stratum = stratum.isna() & ~no_weight  # weighted, but neither the file nor the register gives a stratum
    rejects, keep = split(raw, [
        ("tax_code_invalid", codes.isna(), code_reasons, str),
        ("not_in_register", ~known, codes, lambda c: f"surveyed firm {c} is not an active head office of the clean register"),
        ("answer_invalid", bad_answer, _joined(raw[list(DII_INDICATORS)], " / "),
         lambda v: f"answers {v!r}: each must be yes or no (Có/Không, 1/0)"),
        ("weight_invalid", no_weight, pd.Series(range(len(raw))), lambda i, v=raw["stratum"], c=codes: (
            f"stratum {v.iloc[i]!r} is not a {key} stratum of the register, the register gives firm {c.iloc[i]} none on that "
            "key, and no weight is given")),
        ("stratum_unknown", no_stratum, codes, lambda c: f"firm {c} has a weight, but no stratum: the file gives none the "
                                                         f"register knows and the register gives none on {key} "
                                                         "(variances are computed by stratum)"),
    ], list(vocab.SURVEY_HEADER_ALIASES))
    clean = pd.DataFrame({S.tax_code: codes[keep].astype("string").array, S.stratum: stratum[keep].astype("string").array})
    for name in DII_INDICATORS:
        clean[name] = answers.loc[keep, name].astype(bool).to_numpy()
    for column in SOURCE_COLUMNS:
        clean[column] = raw.loc[keep, column].to_numpy()
    given = pd.Series(weight[keep].to_numpy(), index=clean.index)
    clean, merges = keep_first(clean.assign(_given=given), [S.tax_code], "same_tax_code")
    # A firm the register cannot place on the key belongs to the stratum its row gives.
    given_stratum = clean.set_index(S.tax_code)[S.stratum]
    unplaced = given_stratum[_looked_up(given_stratum.index.to_series(), register_stratum).isna().to_numpy()].dropna()
    population = register.counts[key].add(unplaced.value_counts(), fill_value=0).astype("int64")
    sample = clean[S.stratum].value_counts()
    clean[S.weight] = _weights(clean["_given"], clean[S.stratum], population, sample)
    clean = clean.drop(columns="_given")
    for column in (S.district_code, S.size_class, S.vsic_section):
        clean[column] = _looked_up(clean[S.tax_code], firms[column].astype("string")).astype("string")
    clean[S.dii_score] = clean[list(DII_INDICATORS)].sum(axis=1).astype("int64")
    clean[S.source_file] = clean[S.source_file].astype("string")
    clean[S.source_sheet] = clean[S.source_sheet].astype("string")
    clean[S.source_row] = clean[S.source_row].astype("int64")
    unparsed = unparsed_values(raw, {"weight": weight_problem}, "the weight is computed from the row's stratum; "
                               "without a stratum the row is rejected (weight_invalid)")
    design = {"strata": key, "strata_decided_by": decided_by, "rows_matching": matched,
              "rows_stratum_from_register": int((keep & ~from_file & stratum.notna()).sum()),
              "in_scope_firms_without_stratum": register.unplaced[key] - len(unplaced)}
    return Stage(clean=clean[columns("survey")], rejects=rejects, unparsed=unparsed, flags={"survey": design}), merges

"""Cleaning the technology survey: answers as booleans, joined to the register, weighted."""

from __future__ import annotations

import pandas as pd

from ..core.schema import DII_INDICATORS, SOURCE_COLUMNS, Survey as S, columns, in_scope_mask
from ..core.text import fold
from . import vocab
from .duplicates import keep_first
from .normalise import OUT_OF_RANGE, clean_tax_codes, clean_text, map_unique, read_numbers
from .rejects import Stage, split, unparsed_values


def _answer(value: str) -> bool | None:
    key = fold(str(value))
    return True if key in vocab.YES_TOKENS else False if key in vocab.NO_TOKENS else None


def clean_survey(raw: pd.DataFrame, enterprises: pd.DataFrame) -> tuple[Stage, pd.DataFrame]:
    """Survey rows joined to the in-scope register, with design weights and DII scores.

    Weights: the file's ``weight`` where given; otherwise stratum population over stratum
    sample, the population counted in the clean register (active head offices of the
    same district and size class). A firm answered twice keeps its first answer.
    """
    raw = raw.reset_index(drop=True)
    codes, code_reasons = clean_tax_codes(raw["tax_code"])
    firms = enterprises[in_scope_mask(enterprises).to_numpy()].set_index("tax_code")
    known = codes.isin(set(firms.index)).fillna(False)
    answers = pd.DataFrame({name: map_unique(raw[name], _answer) for name in DII_INDICATORS})
    bad_answer = answers.isna().any(axis=1)
    # No stratum for a firm whose district the register does not determine (a 2025 unit
    # that spans two former districts, say).
    register_stratum = (firms["district_code"].astype(str) + "|" + firms["size_class"].astype(str)).where(
        firms["district_code"].notna())
    population = register_stratum.value_counts()
    stratum = clean_text(raw["stratum"])
    # A stratum written in the file counts only for a firm whose district the register knows.
    located = codes.isin(set(firms.index[firms["district_code"].notna().to_numpy()])).fillna(False)
    stratum = stratum.where(stratum.isin(population.index) & located, codes.map(register_stratum))
    # Design weights are fractions (stratum population over sample): read as given, not rounded.
    weight, weight_problem = read_numbers(raw["weight"], whole=False)
    zero = (weight == 0).fillna(False)  # no firm stands for no firm: a weight must be positive
    weight, weight_problem = weight.mask(zero), weight_problem.mask(zero, OUT_OF_RANGE)
    no_weight = weight.isna() & stratum.isna()
    no_stratum = stratum.isna() & ~no_weight  # weighted, but the register knows no district or size class for it
    rejects, keep = split(raw, [
        ("tax_code_invalid", codes.isna(), code_reasons, str),
        ("not_in_register", ~known, codes, lambda c: f"surveyed firm {c} is not an active head office of the clean register"),
        ("answer_invalid", bad_answer, raw[list(DII_INDICATORS)].astype(str).agg(" / ".join, axis=1),
         lambda v: f"answers {v!r}: each must be yes or no (Có/Không, 1/0)"),
        ("weight_invalid", no_weight, raw["stratum"], lambda v: f"stratum {v!r} is not a district|size class of the register and no weight is given"),
        ("stratum_unknown", no_stratum, codes, lambda c: f"firm {c} has a weight, but its district or size class is unknown "
                                                         "in the register, so its stratum is (variances are computed by stratum)"),
    ], list(vocab.SURVEY_HEADER_ALIASES))
    clean = pd.DataFrame({S.tax_code: codes[keep].astype("string").array, S.stratum: stratum[keep].astype("string").array})
    for name in DII_INDICATORS:
        clean[name] = answers.loc[keep, name].astype(bool).to_numpy()
    for column in SOURCE_COLUMNS:
        clean[column] = raw.loc[keep, column].to_numpy()
    given = pd.Series(weight[keep].to_numpy(), index=clean.index)
    clean, merges = keep_first(clean.assign(_given=given), [S.tax_code], "same_tax_code")
    sample = clean[S.stratum].value_counts()
    clean[S.weight] = [float(g) if pd.notna(g) else population[s] / sample[s] for g, s in zip(clean["_given"], clean[S.stratum])]
    clean = clean.drop(columns="_given")
    for column in (S.district_code, S.size_class, S.vsic_section):
        clean[column] = clean[S.tax_code].map(firms[column].astype("string")).astype("string")
    clean[S.dii_score] = clean[list(DII_INDICATORS)].sum(axis=1).astype("int64")
    clean[S.source_file] = clean[S.source_file].astype("string")
    clean[S.source_sheet] = clean[S.source_sheet].astype("string")
    clean[S.source_row] = clean[S.source_row].astype("int64")
    unparsed = unparsed_values(raw, {"weight": weight_problem}, "the weight is computed from the row's stratum; "
                               "without a stratum the row is rejected (weight_invalid)")
    return Stage(clean=clean[columns("survey")], rejects=rejects, unparsed=unparsed), merges

"""The synthetic technology survey: a stratified sample with the 12 DII answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..core import reference
from ..core.schema import STRATUM_KEYS
from ..core.sizes import size_class
from .targets import DEFAULT_SEED, Targets

SURVEY_MIN_PER_STRATUM = 3
# Spread of the firm-level propensity that links a firm's 12 answers (logit scale).
SURVEY_FIRM_EFFECT = 0.8
SURVEY_ANSWERS = {True: "Có", False: "Không"}


def survey_sample(register: pd.DataFrame, seed: int = DEFAULT_SEED, targets: Targets = Targets(), *,
                  strata: str = "district|size_class") -> pd.DataFrame:
    """A stratified technology survey of the active head offices, with the 12 DII answers.

    Strata are a unit of the map on ``strata`` (a key of
    :data:`~adoption.core.schema.STRATUM_KEYS`: the district, or since 1 July 2025 the
    ward or commune of Ho Chi Minh City, ``commune2025|size_class``) x size class (Decree
    80/2021), written ``721|small``; every large firm is taken, and
    ``targets.survey_others`` other firms are allocated to the other strata in proportion to
    their size (at least :data:`SURVEY_MIN_PER_STRATUM` each, or the whole stratum when
    smaller). Answers are drawn with the shares of the reference data's ``dii_indicators.csv``
    for the firm's size class, shifted by a firm-level propensity so that a firm's
    answers go together. Returns ``tax_code``, ``stratum`` and one boolean per indicator.
    """
    rng = np.random.default_rng(seed + 2)
    heads = register[(register["status"] == "active") & ~register["tax_code"].str.contains("-")].reset_index(drop=True)
    size = np.asarray(size_class(
        pd.Series(heads["employees"].to_numpy(), dtype="Int64"), pd.Series(heads["revenue_vnd"].to_numpy(), dtype="Float64"),
        pd.Series(heads["charter_capital_vnd"].to_numpy(), dtype="Float64"), heads["vsic_section"],
    ).astype(object))
    unit, _ = STRATUM_KEYS[strata]
    stratum = heads[unit].to_numpy().astype(object) + "|" + size
    population = pd.Series(stratum).value_counts().sort_index()
    large = population[population.index.str.endswith("|large")]
    others = population.drop(large.index)
    allocation = np.maximum(np.round(others / others.sum() * targets.survey_others), SURVEY_MIN_PER_STRATUM)
    allocation = np.minimum(allocation, others).astype(int)
    chosen = []
    for name, take in list(allocation.items()) + list(large.items()):
        rows = np.flatnonzero(stratum == name)
        chosen.append(np.sort(rng.choice(rows, size=int(take), replace=False)))
    picked = np.concatenate(chosen)
    indicators = reference.dii_indicators()
    shares = indicators.set_index("indicator")[[f"share_{c}" for c in ("micro", "small", "medium", "large")]]
    firm_effect = rng.normal(0, SURVEY_FIRM_EFFECT, size=len(picked))
    out = pd.DataFrame({"tax_code": heads["tax_code"].to_numpy()[picked], "stratum": stratum[picked]})
    sizes = size[picked]
    for name, row in shares.iterrows():
        base = np.array([row[f"share_{c}"] for c in sizes], dtype=float)
        logit = np.log(base / (1 - base)) + firm_effect
        out[name] = rng.random(len(picked)) < 1 / (1 + np.exp(-logit))
    return out


def write_survey(survey: pd.DataFrame, raw_dir: Path) -> Path:
    path = raw_dir / "survey" / "synthetic_survey_2023.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = survey.copy()
    for column in survey.columns[2:]:
        text[column] = survey[column].map(SURVEY_ANSWERS)
    text.rename(columns={"tax_code": "Mã số thuế", "stratum": "Tầng mẫu"}).to_csv(path, index=False, encoding="utf-8")
    return path



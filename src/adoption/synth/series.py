"""A series of extracts of one evolving synthetic population.

:func:`write_series` writes one raw folder per extract date under a root folder
(``data/raw/2023-09-30/``, ``data/raw/2024-12-31/``, ``data/raw/2025-12-31/``), each laid
out like a single extract (``register/``, ``platforms/``, ``survey/``, ``workforce/`` and
its ``SYNTHETIC.json``, which records ``extracted_on``), with its ground truth beside it
(:func:`~adoption.synth.write.truth_dir_for`). The first extract, of 30 September 2023, is
the register :func:`~adoption.synth.write.write_synthetic` writes, file for file. Between
two extracts the population evolves at these documented rates (assumptions, also in
docs/glossary.md, "A series of extracts"); a rate per year becomes the chance over an
interval of ``t`` years as ``1 - (1 - rate) ** t``:

============================  ==========================================================
flow                          rate per year
============================  ==========================================================
entries                       9% of the active head offices at the start: new tax codes,
                              registered between the two extract dates (a count, not a
                              chance: ``round(0.09 * t * active)``)
exits (struck off)            of head offices: 1% of active ones, 8% of suspended, 15% of
                              dissolving, 40% of dissolved; their branches leave with them
status changes                active -> suspended 3%, active -> dissolving 1%;
                              suspended -> active 15%, suspended -> dissolving 5%;
                              dissolving -> dissolved 50% (of head offices that stay)
adoption growth               12% of the head offices that stay, were active and used no
                              platform: platform records dated between the extracts
moves                         2% of the head offices that stay, outside industrial parks:
                              to a commune of another 2025 unit
============================  ==========================================================

Entrants use a platform in 30% of cases. Extracts are written as registers were written
on their date (:mod:`adoption.synth.scheme2025`): Bến Cát a city from 2024; the 2025 map
from 1 July 2025, the survey's strata included; VSIC 2025 codes for firms registered from 15 November 2025. The same
seed gives the same series.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import reference
from ..core.errors import AdoptionError
from ..core.io import raw_is_empty
from .mess import LEVELS
from .register import _dates, _names, _tax_codes, generate, platform_categories
from .scheme2025 import VSIC_2025_FROM, assign_units, main_2025_class
from .targets import DATA_CUTOFF, DEFAULT_FIRMS, DEFAULT_SEED, Targets
from .write import SynthResult, write_extract

log = logging.getLogger(__name__)

DEFAULT_SERIES = (date(2023, 9, 30), date(2024, 12, 31), date(2025, 12, 31))

# The documented rates, per year (see the module docstring and docs/glossary.md).
ENTRY_RATE = 0.09
EXIT_RATES = {"active": 0.01, "suspended": 0.08, "dissolving": 0.15, "dissolved": 0.40}
STATUS_RATES = {
    "active": {"suspended": 0.03, "dissolving": 0.01},
    "suspended": {"active": 0.15, "dissolving": 0.05},
    "dissolving": {"dissolved": 0.50},
    "dissolved": {},
}
ADOPTION_RATE = 0.12
MOVE_RATE = 0.02
ENTRANT_ADOPTION = 0.30
# A tax code the messy platform files use for a firm outside the register: never issued.
RESERVED_CODES = frozenset({"0100233488"})


def interval_chance(rate: float, years: float) -> float:
    """The chance of an event at ``rate`` per year over ``years`` years.

    >>> round(interval_chance(0.12, 1.0), 2), round(interval_chance(0.5, 2.0), 2)
    (0.12, 0.75)
    """
    return 1.0 - (1.0 - rate) ** years


def years_between(start: date, end: date) -> float:
    """The length of an interval in years (of 365.25 days)."""
    return (end - start).days / 365.25


def _is_head(register: pd.DataFrame) -> np.ndarray:
    return ~register["tax_code"].str.contains("-", regex=False).to_numpy()


def _exits(register: pd.DataFrame, years: float, rng: np.random.Generator) -> pd.DataFrame:
    """The register without the head offices struck off, and without their branches."""
    heads = register[_is_head(register)]
    chance = heads["status"].map(lambda s: interval_chance(EXIT_RATES[s], years)).to_numpy(dtype=float)
    gone = set(heads["tax_code"].to_numpy()[rng.random(len(heads)) < chance])
    head_of = register["tax_code"].str.split("-").str[0]
    return register[~head_of.isin(gone).to_numpy()].reset_index(drop=True)


def _status_changes(register: pd.DataFrame, years: float, rng: np.random.Generator) -> np.ndarray:
    """Each row's status at the end of the interval (branches keep theirs)."""
    status = register["status"].to_numpy(dtype=object).copy()
    heads = np.flatnonzero(_is_head(register))
    draw, pick = rng.random(len(heads)), rng.random(len(heads))
    for i, u, v in zip(heads, draw, pick):
        out = STATUS_RATES[status[i]]
        total = sum(out.values())
        if total and u < interval_chance(total, years):
            bounds = np.cumsum(list(out.values())) / total
            status[i] = list(out)[min(int(np.searchsorted(bounds, v, side="right")), len(out) - 1)]
    return status


def _new_records(rng: np.random.Generator, codes: np.ndarray, first: np.ndarray, end: date) -> pd.DataFrame:
    """Platform records of firms that start using platforms, dated from ``first`` (per firm) to ``end``."""
    categories, firm_idx, cat_idx = platform_categories(rng, len(codes))
    return pd.DataFrame({"tax_code": codes[firm_idx], "platform": categories[cat_idx],
                         "adopted_on": _dates(rng, first[firm_idx], end)})


def _moves(register: pd.DataFrame, years: float, rng: np.random.Generator) -> pd.DataFrame:
    """Head offices outside parks moved to a commune of another 2025 unit."""
    pairs = reference.crosswalk_2025()
    units = pairs.groupby("old_commune_code")["commune2025_code"].agg(frozenset).to_dict()
    district = dict(zip(pairs["old_commune_code"], pairs["old_district_code"]))
    communes = sorted(units)
    movers = np.flatnonzero(_is_head(register) & ~register["in_park"].to_numpy(dtype=bool)
                            & (rng.random(len(register)) < interval_chance(MOVE_RATE, years)))
    out = register.copy()
    for row in movers:
        here = units[out.at[row, "commune_code"]]
        options = [c for c in communes if units[c].isdisjoint(here)]
        target = options[int(rng.integers(len(options)))]
        out.at[row, "commune_code"], out.at[row, "district_code"] = target, district[target]
    out.loc[movers, "commune2025_code"] = assign_units(out.loc[movers, "commune_code"], rng)
    return out


def _entrants(register: pd.DataFrame, n: int, start: date, end: date, used: set[str],
              rng: np.random.Generator) -> pd.DataFrame:
    """``n`` new head offices registered after ``start`` and by ``end``: attributes drawn
    from active head offices, new tax codes and names, few employees."""
    active = register[_is_head(register) & (register["status"] == "active").to_numpy()]
    new = active.iloc[rng.integers(len(active), size=n)].reset_index(drop=True)
    codes: list[str] = []
    while len(codes) < n:
        for code in _tax_codes(rng, n):
            if code not in used and len(codes) < n:
                codes.append(code)
                used.add(code)
    new["tax_code"] = codes
    new["name"] = _names(rng, new)
    new["registered_on"] = _dates(rng, np.full(n, np.datetime64(start + timedelta(days=1))), end)
    new["employees"] = np.maximum(np.round(rng.lognormal(1.2, 1.0, size=n)), 1).astype(np.int64)
    new["revenue_vnd"] = np.nan
    new["status"] = "active"
    new["commune2025_code"] = assign_units(new["commune_code"], rng)
    recent = pd.to_datetime(new["registered_on"]) >= pd.Timestamp(VSIC_2025_FROM)
    new["vsic2025_4"] = [main_2025_class(c) if r else None for c, r in zip(new["vsic4"], recent)]
    return new


def evolve(register: pd.DataFrame, platforms: pd.DataFrame, start: date, end: date, rng: np.random.Generator,
           used: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The population at ``end`` from the population at ``start``, at the documented rates:
    exits, status changes, adoption, moves, then entries. ``used``: every tax code issued
    so far (updated). The inputs are not modified."""
    years = years_between(start, end)
    active_heads = int((_is_head(register) & (register["status"] == "active").to_numpy()).sum())
    stayed = _exits(register, years, rng)
    was_active = (stayed["status"] == "active").to_numpy() & _is_head(stayed)
    stayed["status"] = _status_changes(stayed, years, rng)
    users = set(platforms["tax_code"])
    candidates = np.flatnonzero(was_active & ~stayed["tax_code"].isin(users).to_numpy())
    starting = candidates[rng.random(len(candidates)) < interval_chance(ADOPTION_RATE, years)]
    first = np.full(len(starting), np.datetime64(start + timedelta(days=1)))
    records = [platforms[platforms["tax_code"].isin(set(stayed["tax_code"]))],
               _new_records(rng, stayed["tax_code"].to_numpy()[starting], first, end)]
    stayed = _moves(stayed, years, rng)
    entrants = _entrants(register, round(ENTRY_RATE * years * active_heads), start, end, used, rng)
    adopting = entrants[rng.random(len(entrants)) < ENTRANT_ADOPTION]
    records.append(_new_records(rng, adopting["tax_code"].to_numpy(), adopting["registered_on"].to_numpy(), end))
    log.info("%s -> %s: %s firms left, %s entered, %s started using platforms", start, end,
             f"{len(register) - len(stayed):,}", f"{len(entrants):,}", f"{len(starting):,}")
    population = pd.concat([stayed, entrants], ignore_index=True)
    population = population.sample(frac=1.0, random_state=rng.integers(2**31)).reset_index(drop=True)
    out = pd.concat(records, ignore_index=True)
    return population, out.sort_values(["adopted_on", "tax_code"], kind="stable").reset_index(drop=True)


def _check_dates(dates) -> list[date]:
    parsed = [d if isinstance(d, date) else date.fromisoformat(str(d).strip()) for d in dates]
    if not parsed or parsed != sorted(set(parsed)):
        raise AdoptionError(f"extract dates {', '.join(map(str, dates))}: give distinct dates in increasing order")
    if parsed[0] < DATA_CUTOFF:
        raise AdoptionError(f"extract date {parsed[0]}: the synthetic population starts on {DATA_CUTOFF}; "
                            "give that date or later ones")
    return parsed


def write_series(root: Path, dates=DEFAULT_SERIES, *, seed: int = DEFAULT_SEED, force: bool = False,
                 messiness: str = "realistic", firms: int = DEFAULT_FIRMS) -> list[SynthResult]:
    """Write one extract of the evolving synthetic population per date (dates or
    ``YYYY-MM-DD`` strings, increasing, from 30 September 2023) into ``root/<date>/``,
    each with its manifest and its ground truth beside it (``root/<date>_truth/``).

    The extract of 30 September 2023 is what :func:`~adoption.synth.write.write_synthetic`
    writes with the same seed, messiness and size; later ones follow the rates of this
    module. Refuses to write into an extract folder that holds data unless ``force``.

    >>> results = write_series(Path("/tmp/example-series"), firms=3_000, force=True)  # doctest: +SKIP
    >>> [r.raw_dir.name for r in results]  # doctest: +SKIP
    ['2023-09-30', '2024-12-31', '2025-12-31']
    """
    root = Path(root)
    parsed = _check_dates(dates)
    if messiness not in LEVELS:
        raise AdoptionError(f"messiness {messiness!r} is not a level; valid values: {', '.join(LEVELS)}")
    if not force:
        held = [d.isoformat() for d in parsed if not raw_is_empty(root / d.isoformat())]
        if held:
            raise AdoptionError(f"{root}: extract folders {', '.join(held)} already hold files in register/, "
                                "platforms/, survey/ or workforce/; use --force to write beside them (only files "
                                "an earlier run of the generator wrote are replaced).")
    targets = Targets().scaled(firms)
    register, platforms = generate(seed, targets)
    rng = np.random.default_rng([seed, 2025])
    register["commune2025_code"] = assign_units(register["commune_code"], rng)
    register["vsic2025_4"] = None
    used = set(register["tax_code"].str.split("-").str[0]) | RESERVED_CODES
    results, current = [], DATA_CUTOFF
    for when in parsed:
        if when > current:
            register, platforms = evolve(register, platforms, current, when, rng, used)
            current = when
        log.info("writing the extract of %s", when)
        results.append(write_extract(root / when.isoformat(), register, platforms, seed=seed, messiness=messiness,
                                     truth_dir=None, firms=firms, extracted_on=when))
    return results

"""The synthetic register: active and inactive head offices, branches and platform use.

Deterministic: one seed gives one register. The counts of :class:`~adoption.synth.targets.Targets`
are reproduced exactly by the clean data; the shares of :mod:`adoption.synth.targets` are
assumptions. Real reference data are used as they are: the 9 district units and 91
communes with GSO codes, VSIC 2018 classes, 24 real industrial parks with their
districts (5 parks carry synthetic names).
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd
from stdnum.vn import mst

from ..core import reference
from .spellings import FOREIGN_WORDS, LEGAL_FORM_NAME_PREFIX, NAME_WORDS, SECTOR_WORDS
from .targets import (
    ADOPTION_START,
    DATA_CUTOFF,
    DEFAULT_SEED,
    DIGITAL_TECH_MIX,
    DISTRICT_SHARES,
    LEGAL_FORM_SHARES,
    PLATFORM_SHARES,
    SECTION_SHARES,
    TAX_PREFIX_SHARES,
    Targets,
)

log = logging.getLogger(__name__)


def _scale_to_total(raw: np.ndarray, total: int, minimum: int = 1) -> np.ndarray:
    """Integers proportional to ``raw`` that sum to ``total`` exactly (largest remainder)."""
    scaled = raw / raw.sum() * (total - minimum * len(raw))
    floor = np.floor(scaled).astype(np.int64)
    shortfall = total - minimum * len(raw) - int(floor.sum())
    order = np.argsort(-(scaled - floor), kind="stable")
    floor[order[:shortfall]] += 1
    return floor + minimum


def _pick(rng: np.random.Generator, n: int, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Indices of ``k`` of ``n`` items, without replacement, chance proportional to weights."""
    if weights is None:
        return rng.choice(n, size=k, replace=False)
    keys = np.log(rng.random(n)) / weights  # Efraimidis-Spirakis weighted sampling
    return np.argsort(-keys, kind="stable")[:k]


def _tax_codes(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct valid 10-digit tax codes, mostly with the Bình Dương prefix 37.

    A few firms were first registered in Hồ Chí Minh City (03) or Hà Nội (01): their
    codes start with 0, which a spreadsheet storing the code as a number drops.
    """
    codes: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        prefixes = rng.choice(list(TAX_PREFIX_SHARES), size=n, p=list(TAX_PREFIX_SHARES.values()))
        for prefix, body in zip(prefixes, rng.integers(0, 10_000_000, size=n)):
            first9 = f"{prefix}{body:07d}"
            digit = mst.calc_check_digit(first9)
            if first9 in codes or not mst.is_valid(first9 + digit):  # a remainder of 0 admits no digit
                continue
            codes.add(first9)
            out.append(first9 + digit)
            if len(out) == n:
                break
    return np.array(out)


def _dates(rng: np.random.Generator, start: np.ndarray, end: date, *, shape: float = 1.0) -> np.ndarray:
    """Dates between ``start`` (per row) and ``end``, skewed to the end when shape > 1."""
    start_days = start.astype("datetime64[D]").astype(np.int64)
    end_day = np.datetime64(end, "D").astype(np.int64)
    span = np.maximum(end_day - start_days, 0)
    offset = np.floor(rng.beta(shape, 1.0, size=len(start)) * (span + 1)).astype(np.int64)
    return (start_days + np.minimum(offset, span)).astype("datetime64[D]")


def _registration_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    years = np.arange(1991, 2024)
    weights = np.exp(0.09 * (years - 1991))
    year = rng.choice(years, size=n, p=weights / weights.sum())
    starts = np.array([np.datetime64(f"{y}-01-01") for y in year])
    last = np.where(year == 2023, np.datetime64(DATA_CUTOFF), np.array([np.datetime64(f"{y}-12-31") for y in year]))
    span = (last - starts).astype(np.int64)
    return starts + np.floor(rng.random(n) * (span + 1)).astype(np.int64).astype("timedelta64[D]")


def _classes_by_section() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    classes = reference.vsic_classes()
    other = classes[~classes["is_digital_tech"]]
    by_section = {s: other.loc[other["vsic_section"] == s, "vsic4"].to_numpy() for s in SECTION_SHARES}
    digital = classes[classes["is_digital_tech"]]["vsic4"]
    by_prefix = {p: digital[digital.str.startswith(p)].to_numpy() for p in DIGITAL_TECH_MIX}
    return by_section, by_prefix


def _firms(rng: np.random.Generator, targets: Targets) -> pd.DataFrame:
    """The active head offices with every attribute but tax code and name."""
    n = targets.active
    by_section, by_prefix = _classes_by_section()
    parks = reference.industrial_parks()
    units = reference.admin_units()

    # Who is digital, who is in a park, who is FDI.
    digital = np.zeros(n, bool)
    digital[:targets.digital_tech] = True
    prefix = rng.choice(list(DIGITAL_TECH_MIX), size=targets.digital_tech, p=list(DIGITAL_TECH_MIX.values()))
    manufacturing = np.isin(prefix, ["26", "27"])
    # Park digital firms are the manufacturers first.
    digital_order = np.argsort(~manufacturing, kind="stable")
    in_park = np.zeros(n, bool)
    in_park[digital_order[:targets.ip_digital]] = True
    in_park[targets.digital_tech : targets.digital_tech + targets.ip_firms - targets.ip_digital] = True
    fdi = np.zeros(n, bool)
    park_idx = np.flatnonzero(in_park)
    fdi[rng.choice(park_idx, size=targets.ip_fdi, replace=False)] = True
    outside = np.flatnonzero(~in_park)
    fdi[rng.choice(outside, size=targets.fdi - targets.ip_fdi, replace=False)] = True
    state = np.zeros(n, bool)
    state[rng.choice(np.flatnonzero(~fdi), size=targets.state, replace=False)] = True

    # Sector.
    vsic4 = np.empty(n, dtype=object)
    vsic4[:targets.digital_tech] = [rng.choice(by_prefix[p]) for p in prefix]
    non_digital = np.arange(targets.digital_tech, n)
    park_section = np.where(rng.random(n) < 0.9, "C", "H")
    free_section = rng.choice(list(SECTION_SHARES), size=n, p=list(SECTION_SHARES.values()))
    section = np.where(in_park, park_section, free_section)
    vsic4[non_digital] = [rng.choice(by_section[s]) for s in section[non_digital]]

    # Place: parks fix the district; others by district shares, then a commune.
    park_name = np.full(n, None, dtype=object)
    park_pick = rng.choice(len(parks), size=len(park_idx), p=(parks["weight"] / parks["weight"].sum()).to_numpy())
    park_name[park_idx] = parks["park_name"].to_numpy()[park_pick]
    district = rng.choice(list(DISTRICT_SHARES), size=n, p=list(DISTRICT_SHARES.values()))
    district[park_idx] = parks["district_code"].to_numpy()[park_pick]
    commune = np.empty(n, dtype=object)
    for code, group in units.groupby("district_code"):
        rows = np.flatnonzero(district == code)
        shares = rng.gamma(2.0, 1.0, size=len(group))
        commune[rows] = rng.choice(group["commune_code"].to_numpy(), size=len(rows), p=shares / shares.sum())

    # Employees: the digital group and park firms are scaled to the published totals.
    employees = np.maximum(np.round(rng.lognormal(1.5, 1.3, size=n)), 1).astype(np.int64)
    employees[fdi & ~in_park] = np.round(rng.lognormal(3.3, 1.2, size=int((fdi & ~in_park).sum()))).astype(np.int64) + 1
    digital_raw = np.where(manufacturing, rng.lognormal(4.6, 0.9, targets.digital_tech), rng.lognormal(2.4, 1.0, targets.digital_tech))
    employees[:targets.digital_tech] = _scale_to_total(digital_raw, targets.digital_tech_workers)
    park_other = np.flatnonzero(in_park & ~digital)
    park_raw = rng.lognormal(5.2, 1.1, size=len(park_other)) * np.where(fdi[park_other], 1.6, 1.0)
    digital_park_workers = int(employees[in_park & digital].sum())
    employees[park_other] = _scale_to_total(park_raw, targets.ip_workers - digital_park_workers, minimum=5)

    revenue = np.round(employees * rng.lognormal(np.log(0.8e9), 0.9, size=n), -6)
    revenue = np.where(rng.random(n) < 0.2, np.nan, revenue)
    capital = np.round(np.maximum(1e8, employees * rng.lognormal(np.log(0.35e9), 1.0, size=n)), -6)

    ownership = np.where(fdi, "fdi", np.where(state, "state", "domestic_private"))
    legal_form = np.empty(n, dtype=object)
    for kind, shares in LEGAL_FORM_SHARES.items():
        rows = np.flatnonzero(ownership == kind)
        legal_form[rows] = rng.choice(list(shares), size=len(rows), p=list(shares.values()))

    frame = pd.DataFrame(
        {
            "district_code": district, "commune_code": commune, "vsic4": vsic4,
            "legal_form": legal_form, "ownership": ownership,
            "registered_on": _registration_dates(rng, n), "employees": employees,
            "charter_capital_vnd": capital, "revenue_vnd": revenue, "industrial_park": park_name,
            "status": "active", "is_digital_tech": digital, "in_park": in_park,
        }
    )
    return frame.sample(frac=1.0, random_state=rng.integers(2**31)).reset_index(drop=True)


def _inactive(rng: np.random.Generator, active: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Inactive head offices: attributes resampled from active non-digital firms."""
    pool = active[~active["is_digital_tech"]]
    parts = []
    for status, count in targets.inactive.items():
        part = pool.sample(n=count, random_state=rng.integers(2**31)).assign(status=status)
        part["employees"] = np.maximum(np.round(part["employees"].to_numpy() * 0.3), 0).astype(np.int64)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _branches(rng: np.random.Generator, heads: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Branches of active head offices, larger firms more likely to have them."""
    active = heads[heads["status"] == "active"]
    weights = np.log1p(active["employees"].to_numpy()) + 0.1
    parent_rows = active.iloc[rng.choice(len(active), size=targets.branches, p=weights / weights.sum())]
    branches = parent_rows.copy()
    suffix = branches.groupby("tax_code").cumcount() + 1
    branches["tax_code"] = branches["tax_code"] + "-" + suffix.map("{:03d}".format)
    branches["name"] = "Chi nhánh " + suffix.astype(str) + " - " + branches["name"]
    branches["employees"] = np.maximum(np.round(rng.lognormal(1.8, 1.0, targets.branches)), 1).astype(np.int64)
    branches["revenue_vnd"] = np.nan
    moved = rng.random(targets.branches) < 0.5
    units = reference.admin_units()
    other = units.iloc[rng.choice(len(units), size=int(moved.sum()))]
    branches.loc[moved, "district_code"] = other["district_code"].to_numpy()
    branches.loc[moved, "commune_code"] = other["commune_code"].to_numpy()
    branches.loc[moved, "industrial_park"] = None
    branches["registered_on"] = _dates(rng, branches["registered_on"].to_numpy(), DATA_CUTOFF)
    return branches


def _names(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    word = rng.choice(NAME_WORDS, size=len(frame))
    sector = frame["vsic_section"].map(SECTOR_WORDS).fillna("Dịch vụ").to_numpy()
    sector = np.where(frame["is_digital_tech"], "Công nghệ", sector)
    prefix = frame["legal_form"].map(LEGAL_FORM_NAME_PREFIX).to_numpy()
    foreign = rng.choice(FOREIGN_WORDS, size=len(frame))
    number = rng.integers(1, 999, size=len(frame))
    domestic_name = [f"{p} {s} {w} {k}" for p, s, w, k in zip(prefix, sector, word, number)]
    fdi_name = [f"{p} {f} Việt Nam {k}" for p, f, k in zip(prefix, foreign, number)]
    return np.where(frame["ownership"] == "fdi", fdi_name, domestic_name)


def platform_categories(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The platform categories of ``n`` users, each using one at least (shares of
    :data:`~adoption.synth.targets.PLATFORM_SHARES`): the categories, and the user and
    category index of each record."""
    categories = np.array(list(PLATFORM_SHARES))
    shares = np.array(list(PLATFORM_SHARES.values()))
    chosen = rng.random((n, len(categories))) < shares
    none = ~chosen.any(axis=1)
    chosen[np.flatnonzero(none), rng.choice(len(categories), size=int(none.sum()), p=shares / shares.sum())] = True
    firm_idx, cat_idx = np.nonzero(chosen)
    return categories, firm_idx, cat_idx


def _platform_records(rng: np.random.Generator, heads: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Platform-use rows: exactly ``targets.adopters`` active adopters, some inactive ones too."""
    active = np.flatnonzero(heads["status"].to_numpy() == "active")
    sub = heads.iloc[active]
    logit = (
        0.18 * np.log1p(sub["employees"].to_numpy()) + 0.35 * (sub["ownership"] == "fdi").to_numpy()
        + 0.7 * sub["is_digital_tech"].to_numpy() + 0.2 * sub["in_park"].to_numpy()
        + 0.15 * sub["district_code"].isin(["718", "724", "725"]).to_numpy()
    )
    adopters = active[_pick(rng, len(active), targets.adopters, np.exp(logit))]
    inactive = np.flatnonzero(heads["status"].to_numpy() != "active")
    former = rng.choice(inactive, size=int(len(inactive) * 0.4), replace=False)
    users = heads.iloc[np.concatenate([adopters, former])]

    categories, firm_idx, cat_idx = platform_categories(rng, len(users))

    start = np.maximum(users["registered_on"].to_numpy().astype("datetime64[D]"), np.datetime64(ADOPTION_START))
    first = _dates(rng, start, DATA_CUTOFF, shape=1.6)
    adopted = _dates(rng, first[firm_idx], DATA_CUTOFF, shape=0.6)
    is_first = np.r_[True, firm_idx[1:] != firm_idx[:-1]]
    adopted = np.where(is_first, first[firm_idx], adopted)
    return pd.DataFrame(
        {
            "tax_code": users["tax_code"].to_numpy()[firm_idx],
            "platform": categories[cat_idx],
            "adopted_on": adopted,
        }
    )


def generate(seed: int = DEFAULT_SEED, targets: Targets = Targets()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate the register and platform records as tidy canonical frames.

    Deterministic: the same seed gives the same frames.

    >>> register, platforms = generate()  # doctest: +SKIP
    >>> int((register["status"] == "active").sum())  # doctest: +SKIP
    68500
    """
    rng = np.random.default_rng(seed)
    log.info("generating %s active head offices", f"{targets.active:,}")
    active = _firms(rng, targets)
    inactive = _inactive(rng, active, targets)
    heads = pd.concat([active, inactive], ignore_index=True)
    heads["tax_code"] = _tax_codes(rng, len(heads))
    classes = reference.vsic_classes().set_index("vsic4")
    heads["vsic_section"] = classes.loc[heads["vsic4"], "vsic_section"].to_numpy()
    heads["name"] = _names(rng, heads)
    log.info("generating %s branches and platform records", f"{targets.branches:,}")
    branches = _branches(rng, heads, targets)
    platforms = _platform_records(rng, heads, targets)
    register = pd.concat([heads, branches], ignore_index=True)
    register = register.sample(frac=1.0, random_state=rng.integers(2**31)).reset_index(drop=True)
    return register, platforms.sort_values(["adopted_on", "tax_code"], kind="stable").reset_index(drop=True)



"""Deterministic synthetic register of Bình Dương 2023, calibrated to published figures.

There is no public firm-level register of Bình Dương, so the default data are generated.
What is published and what is assumed:

Published (matched exactly by the clean data, counting active head offices):
  * 65,000 enterprises; 45,000 of them use at least one digital platform;
  * 1,300 of them in the electronics-IT-digital group (``is_digital_tech``), employing
    55,720 people.
Published, matched within a tolerance:
  * firms in 29 established industrial parks employ about 1.2 million workers (exact here);
  * about 4,200 FDI firms (exactly 4,200 here; the source counts FDI projects).
Real reference data used as they are: the 9 district units and 91 communes with GSO
codes, VSIC 2018 classes, 24 real industrial parks with their districts; 5 parks carry
synthetic names (``data/external/synthetic_parks.csv``).
Assumed (no source; chosen to be plausible for a Vietnamese manufacturing province):
  * district shares of firms (:data:`DISTRICT_SHARES`) and random commune shares;
  * sector shares by VSIC section (:data:`SECTION_SHARES`), and the digital group's mix
    (:data:`DIGITAL_TECH_MIX`);
  * firm size: log-normal employees, most firms micro or small; park firms large;
  * revenue per worker and charter capital (log-normal), 20% of revenues missing;
  * 8,000 inactive head offices and 3,500 branches that the register holds but the
    headline does not count;
  * which firms adopt platforms: more likely for larger, FDI, park and digital firms;
    first adoption dates spread over 2018 to September 2023, later platforms after it;
  * registration dates from 1991 to September 2023, growing about 9% a year;
  * tax codes: 97% with the prefix 37, 2% 03 and 1% 01 (first registered elsewhere).

Every file written is listed, with its hash, in ``SYNTHETIC.json`` at the root of the
raw folder, which marks the data as synthetic for the cleaning step and the reports.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__, config, reference
from .errors import AdoptionError
from .tax_code import check_digit

log = logging.getLogger(__name__)

DEFAULT_SEED = 2023

# Published targets (product brief; data/external/published_figures.csv).
N_ACTIVE = 65_000
N_ADOPTERS = 45_000
N_DIGITAL_TECH = 1_300
DIGITAL_TECH_WORKERS = 55_720
IP_WORKERS = 1_200_000
N_FDI = 4_200

# Assumptions, each documented in the module docstring and data/README.md.
N_INACTIVE = {"suspended": 4_000, "dissolving": 1_200, "dissolved": 2_800}
N_BRANCHES = 3_500
N_IP_FIRMS = 3_300  # active head offices located in parks, of which digital ones below
N_IP_DIGITAL = 160
N_IP_FDI = 2_500
N_STATE = 150
DISTRICT_SHARES = {
    "718": 0.20, "719": 0.04, "720": 0.05, "721": 0.12, "722": 0.03,
    "723": 0.12, "724": 0.18, "725": 0.22, "726": 0.04,
}
SECTION_SHARES = {
    "C": 0.30, "G": 0.35, "F": 0.09, "H": 0.05, "I": 0.04, "L": 0.03, "M": 0.04,
    "N": 0.03, "A": 0.01, "K": 0.01, "S": 0.02, "P": 0.01, "Q": 0.01, "R": 0.01,
}
# Share of the digital group by VSIC prefix.
DIGITAL_TECH_MIX = {"26": 0.12, "27": 0.08, "4651": 0.12, "4652": 0.13, "582": 0.03, "61": 0.07, "62": 0.30, "63": 0.08, "951": 0.07}
# Share of adopters using each platform category.
PLATFORM_SHARES = {
    "digital_payment": 0.60, "cloud_accounting": 0.45, "digital_marketing": 0.45,
    "online_public_services": 0.40, "ecommerce": 0.30, "management_software": 0.18,
}
# First two digits of tax codes: where a firm was first registered (assumed shares).
TAX_PREFIX_SHARES = {"37": 0.97, "03": 0.02, "01": 0.01}
ADOPTION_START = date(2018, 1, 1)
DATA_CUTOFF = date(2023, 9, 30)

# How the register spells its categories (Vietnamese registration vocabulary).
LEGAL_FORM_TEXT = {
    "llc_one_member": "Công ty TNHH một thành viên",
    "llc_multi_member": "Công ty TNHH hai thành viên trở lên",
    "joint_stock": "Công ty cổ phần",
    "private_enterprise": "Doanh nghiệp tư nhân",
    "partnership": "Công ty hợp danh",
    "other": "Khác",
}
LEGAL_FORM_NAME_PREFIX = {
    "llc_one_member": "Công ty TNHH", "llc_multi_member": "Công ty TNHH", "joint_stock": "Công ty Cổ phần",
    "private_enterprise": "Doanh nghiệp tư nhân", "partnership": "Công ty Hợp danh", "other": "Công ty",
}
OWNERSHIP_TEXT = {"state": "Nhà nước", "domestic_private": "Ngoài nhà nước", "fdi": "Có vốn đầu tư nước ngoài"}
STATUS_TEXT = {
    "active": "Đang hoạt động", "suspended": "Tạm ngừng kinh doanh",
    "dissolving": "Đang làm thủ tục giải thể", "dissolved": "Đã giải thể",
}
PLATFORM_TEXT = {
    "ecommerce": "Thương mại điện tử", "digital_payment": "Thanh toán số",
    "cloud_accounting": "Kế toán điện tử", "management_software": "Quản trị doanh nghiệp (ERP/CRM)",
    "digital_marketing": "Tiếp thị số / mạng xã hội", "online_public_services": "Dịch vụ công trực tuyến",
}
REGISTER_HEADERS = {
    "tax_code": "Mã số thuế", "name": "Tên doanh nghiệp", "district": "Huyện/Thị xã/Thành phố",
    "commune": "Phường/Xã/Thị trấn", "vsic": "Ngành nghề kinh doanh chính",
    "legal_form": "Loại hình doanh nghiệp", "ownership": "Thành phần kinh tế",
    "registered_on": "Ngày cấp", "employees": "Số lao động", "charter_capital_vnd": "Vốn điều lệ",
    "revenue_vnd": "Doanh thu", "industrial_park": "Khu công nghiệp", "status": "Tình trạng hoạt động",
}
PLATFORM_HEADERS = {"tax_code": "Mã số thuế", "platform": "Nền tảng", "adopted_on": "Ngày bắt đầu sử dụng"}
# 2023 names where the unit's status differed from the 2025 reference list.
DISTRICT_NAMES_2023 = {"721": "Thị xã Bến Cát"}

_NAME_WORDS = (
    "An Phát", "Minh Long", "Phú Thịnh", "Hưng Thịnh", "Tân Tiến", "Đại Phát", "Thành Công", "Hoàng Gia",
    "Việt Tiến", "Nam Á", "Sao Việt", "Bình Minh", "Trường Sơn", "Phước Lộc", "Kim Ngân", "Thiên Long",
    "Hòa Bình", "Đông Dương", "Quang Minh", "Vạn Xuân", "Lộc Phát", "Hải Đăng", "Tiến Đạt", "Gia Bảo",
)
_SECTOR_WORDS = {
    "C": "Sản xuất", "G": "Thương mại", "F": "Xây dựng", "H": "Vận tải", "I": "Dịch vụ ăn uống",
    "J": "Công nghệ", "L": "Bất động sản", "M": "Tư vấn", "N": "Dịch vụ",
}
_FOREIGN_WORDS = ("Pacific", "Global Tech", "Asia Precision", "Sun Rise", "Evergreen", "Orient", "Hanul", "Kaizen")


@dataclass(frozen=True)
class SynthResult:
    """What :func:`write_synthetic` wrote."""

    raw_dir: Path
    files: list[Path]
    register_rows: int
    platform_rows: int


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
            digit = check_digit(first9)
            if digit is None or first9 in codes:
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


def _firms(rng: np.random.Generator) -> pd.DataFrame:
    """The 65,000 active head offices with every attribute but tax code and name."""
    n = N_ACTIVE
    by_section, by_prefix = _classes_by_section()
    parks = reference.industrial_parks()
    units = reference.admin_units()

    # Who is digital, who is in a park, who is FDI.
    digital = np.zeros(n, bool)
    digital[:N_DIGITAL_TECH] = True
    prefix = rng.choice(list(DIGITAL_TECH_MIX), size=N_DIGITAL_TECH, p=list(DIGITAL_TECH_MIX.values()))
    manufacturing = np.isin(prefix, ["26", "27"])
    # Park digital firms are the manufacturers first.
    digital_order = np.argsort(~manufacturing, kind="stable")
    in_park = np.zeros(n, bool)
    in_park[digital_order[:N_IP_DIGITAL]] = True
    in_park[N_DIGITAL_TECH : N_DIGITAL_TECH + N_IP_FIRMS - N_IP_DIGITAL] = True
    fdi = np.zeros(n, bool)
    park_idx = np.flatnonzero(in_park)
    fdi[rng.choice(park_idx, size=N_IP_FDI, replace=False)] = True
    outside = np.flatnonzero(~in_park)
    fdi[rng.choice(outside, size=N_FDI - N_IP_FDI, replace=False)] = True
    state = np.zeros(n, bool)
    state[rng.choice(np.flatnonzero(~fdi), size=N_STATE, replace=False)] = True

    # Sector.
    vsic4 = np.empty(n, dtype=object)
    vsic4[:N_DIGITAL_TECH] = [rng.choice(by_prefix[p]) for p in prefix]
    non_digital = np.arange(N_DIGITAL_TECH, n)
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
    digital_raw = np.where(manufacturing, rng.lognormal(4.6, 0.9, N_DIGITAL_TECH), rng.lognormal(2.4, 1.0, N_DIGITAL_TECH))
    employees[:N_DIGITAL_TECH] = _scale_to_total(digital_raw, DIGITAL_TECH_WORKERS)
    park_other = np.flatnonzero(in_park & ~digital)
    park_raw = rng.lognormal(5.2, 1.1, size=len(park_other)) * np.where(fdi[park_other], 1.6, 1.0)
    digital_park_workers = int(employees[in_park & digital].sum())
    employees[park_other] = _scale_to_total(park_raw, IP_WORKERS - digital_park_workers, minimum=5)

    revenue = np.round(employees * rng.lognormal(np.log(0.8e9), 0.9, size=n), -6)
    revenue = np.where(rng.random(n) < 0.2, np.nan, revenue)
    capital = np.round(np.maximum(1e8, employees * rng.lognormal(np.log(0.35e9), 1.0, size=n)), -6)

    ownership = np.where(fdi, "fdi", np.where(state, "state", "domestic_private"))
    legal_form = np.empty(n, dtype=object)
    for kind, shares in {
        "domestic_private": {"llc_one_member": 0.45, "llc_multi_member": 0.30, "joint_stock": 0.12, "private_enterprise": 0.122, "partnership": 0.002, "other": 0.006},
        "fdi": {"llc_one_member": 0.70, "llc_multi_member": 0.20, "joint_stock": 0.10},
        "state": {"llc_one_member": 0.5, "joint_stock": 0.5},
    }.items():
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


def _inactive(rng: np.random.Generator, active: pd.DataFrame) -> pd.DataFrame:
    """Inactive head offices: attributes resampled from active non-digital firms."""
    pool = active[~active["is_digital_tech"]]
    parts = []
    for status, count in N_INACTIVE.items():
        part = pool.sample(n=count, random_state=rng.integers(2**31)).assign(status=status)
        part["employees"] = np.maximum(np.round(part["employees"].to_numpy() * 0.3), 0).astype(np.int64)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _branches(rng: np.random.Generator, heads: pd.DataFrame) -> pd.DataFrame:
    """Branches of active head offices, larger firms more likely to have them."""
    active = heads[heads["status"] == "active"]
    weights = np.log1p(active["employees"].to_numpy()) + 0.1
    parent_rows = active.iloc[rng.choice(len(active), size=N_BRANCHES, p=weights / weights.sum())]
    branches = parent_rows.copy()
    suffix = branches.groupby("tax_code").cumcount() + 1
    branches["tax_code"] = branches["tax_code"] + "-" + suffix.map("{:03d}".format)
    branches["name"] = "Chi nhánh " + suffix.astype(str) + " - " + branches["name"]
    branches["employees"] = np.maximum(np.round(rng.lognormal(1.8, 1.0, N_BRANCHES)), 1).astype(np.int64)
    branches["revenue_vnd"] = np.nan
    moved = rng.random(N_BRANCHES) < 0.5
    units = reference.admin_units()
    other = units.iloc[rng.choice(len(units), size=int(moved.sum()))]
    branches.loc[moved, "district_code"] = other["district_code"].to_numpy()
    branches.loc[moved, "commune_code"] = other["commune_code"].to_numpy()
    branches.loc[moved, "industrial_park"] = None
    branches["registered_on"] = _dates(rng, branches["registered_on"].to_numpy(), DATA_CUTOFF)
    return branches


def _names(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    word = rng.choice(_NAME_WORDS, size=len(frame))
    sector = frame["vsic_section"].map(_SECTOR_WORDS).fillna("Dịch vụ").to_numpy()
    sector = np.where(frame["is_digital_tech"], "Công nghệ", sector)
    prefix = frame["legal_form"].map(LEGAL_FORM_NAME_PREFIX).to_numpy()
    foreign = rng.choice(_FOREIGN_WORDS, size=len(frame))
    number = rng.integers(1, 999, size=len(frame))
    domestic_name = [f"{p} {s} {w} {k}" for p, s, w, k in zip(prefix, sector, word, number)]
    fdi_name = [f"{p} {f} Việt Nam {k}" for p, f, k in zip(prefix, foreign, number)]
    return np.where(frame["ownership"] == "fdi", fdi_name, domestic_name)


def _platform_records(rng: np.random.Generator, heads: pd.DataFrame) -> pd.DataFrame:
    """Platform-use rows: exactly ``N_ADOPTERS`` active adopters, some inactive ones too."""
    active = np.flatnonzero(heads["status"].to_numpy() == "active")
    sub = heads.iloc[active]
    logit = (
        0.18 * np.log1p(sub["employees"].to_numpy()) + 0.35 * (sub["ownership"] == "fdi").to_numpy()
        + 0.7 * sub["is_digital_tech"].to_numpy() + 0.2 * sub["in_park"].to_numpy()
        + 0.15 * sub["district_code"].isin(["718", "724", "725"]).to_numpy()
    )
    adopters = active[_pick(rng, len(active), N_ADOPTERS, np.exp(logit))]
    inactive = np.flatnonzero(heads["status"].to_numpy() != "active")
    former = rng.choice(inactive, size=int(len(inactive) * 0.4), replace=False)
    users = heads.iloc[np.concatenate([adopters, former])]

    categories = np.array(list(PLATFORM_SHARES))
    shares = np.array(list(PLATFORM_SHARES.values()))
    chosen = rng.random((len(users), len(categories))) < shares
    none = ~chosen.any(axis=1)
    chosen[np.flatnonzero(none), rng.choice(len(categories), size=int(none.sum()), p=shares / shares.sum())] = True
    firm_idx, cat_idx = np.nonzero(chosen)

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


def generate(seed: int = DEFAULT_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate the register and platform records as tidy canonical frames.

    Deterministic: the same seed gives the same frames.

    >>> register, platforms = generate()  # doctest: +SKIP
    >>> int((register["status"] == "active").sum())  # doctest: +SKIP
    68500
    """
    rng = np.random.default_rng(seed)
    log.info("generating %s active head offices", f"{N_ACTIVE:,}")
    active = _firms(rng)
    inactive = _inactive(rng, active)
    heads = pd.concat([active, inactive], ignore_index=True)
    heads["tax_code"] = _tax_codes(rng, len(heads))
    classes = reference.vsic_classes().set_index("vsic4")
    heads["vsic_section"] = classes.loc[heads["vsic4"], "vsic_section"].to_numpy()
    heads["name"] = _names(rng, heads)
    log.info("generating %s branches and platform records", f"{N_BRANCHES:,}")
    branches = _branches(rng, heads)
    platforms = _platform_records(rng, heads)
    register = pd.concat([heads, branches], ignore_index=True)
    register = register.sample(frac=1.0, random_state=rng.integers(2**31)).reset_index(drop=True)
    return register, platforms.sort_values(["adopted_on", "tax_code"], kind="stable").reset_index(drop=True)


# Technology survey: sample size besides the large firms, all of which are taken.
SURVEY_OTHERS = 1_650
SURVEY_MIN_PER_STRATUM = 3
# Spread of the firm-level propensity that links a firm's 12 answers (logit scale).
SURVEY_FIRM_EFFECT = 0.8
SURVEY_ANSWERS = {True: "Có", False: "Không"}


def survey_sample(register: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A stratified technology survey of the active head offices, with the 12 DII answers.

    Strata are district x size class (Decree 80/2021); every large firm is taken, and
    :data:`SURVEY_OTHERS` other firms are allocated to the other strata in proportion to
    their size (at least :data:`SURVEY_MIN_PER_STRATUM` each, or the whole stratum when
    smaller). Answers are drawn with the shares of ``data/external/dii_indicators.csv``
    for the firm's size class, shifted by a firm-level propensity so that a firm's
    answers go together. Returns ``tax_code``, ``stratum`` and one boolean per indicator.
    """
    from .normalise import size_class

    rng = np.random.default_rng(seed + 2)
    heads = register[(register["status"] == "active") & ~register["tax_code"].str.contains("-")].reset_index(drop=True)
    size = np.asarray(size_class(
        pd.Series(heads["employees"].to_numpy(), dtype="Int64"), pd.Series(heads["revenue_vnd"].to_numpy(), dtype="Float64"),
        pd.Series(heads["charter_capital_vnd"].to_numpy(), dtype="Float64"), heads["vsic_section"],
    ).astype(object))
    stratum = heads["district_code"].to_numpy().astype(object) + "|" + size
    population = pd.Series(stratum).value_counts().sort_index()
    large = population[population.index.str.endswith("|large")]
    others = population.drop(large.index)
    allocation = np.maximum(np.round(others / others.sum() * SURVEY_OTHERS), SURVEY_MIN_PER_STRATUM)
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


def _write_survey(survey: pd.DataFrame, raw_dir: Path) -> Path:
    path = raw_dir / "survey" / "synthetic_survey_2023.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = survey.copy()
    for column in survey.columns[2:]:
        text[column] = survey[column].map(SURVEY_ANSWERS)
    text.rename(columns={"tax_code": "Mã số thuế", "stratum": "Tầng mẫu"}).to_csv(path, index=False, encoding="utf-8")
    return path


# Workforce records: quarters of the reference year, and assumed training behaviour.
QUARTERS = ("2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4")
WORKFORCE_QUARTER_SWING = 0.03       # workers move by up to 3% between quarters
WORKFORCE_TRAINED_SHARE = (0.15, 0.65)  # share of workers trained in a quarter, by park
WORKFORCE_HOURS_PER_TRAINEE = (3.0, 12.0)  # hours delivered per trained worker in a quarter


def workforce_records(register: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Quarterly workforce and training records of the 29 parks for the reference year.

    Workers per park are the employees of the park's active head offices in the register
    (about 1.2 million in all), moved by up to 3% between quarters; the share trained and
    the hours per trainee are drawn per park within the ranges above (assumed).
    """
    rng = np.random.default_rng(seed + 3)
    heads = register[(register["status"] == "active") & ~register["tax_code"].str.contains("-") & register["industrial_park"].notna()]
    workers = heads.groupby("industrial_park")["employees"].sum()
    parks = reference.industrial_parks().set_index("park_name")
    rows = []
    for park, total in workers.items():
        trained_share = rng.uniform(*WORKFORCE_TRAINED_SHARE)
        hours_each = rng.uniform(*WORKFORCE_HOURS_PER_TRAINEE)
        for quarter in QUARTERS:
            count = int(round(total * (1 + rng.uniform(-WORKFORCE_QUARTER_SWING, WORKFORCE_QUARTER_SWING))))
            trained = int(round(count * trained_share * rng.uniform(0.8, 1.2)))
            rows.append({"industrial_park": park, "district_code": parks.loc[park, "district_code"], "period": quarter,
                         "workers": count, "workers_trained": min(trained, count),
                         "training_hours": int(round(min(trained, count) * hours_each))})
    return pd.DataFrame(rows)


def _write_workforce(records: pd.DataFrame, raw_dir: Path) -> Path:
    path = raw_dir / "workforce" / "synthetic_workforce_2023.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    names = dict(zip(reference.admin_units()["district_code"], reference.admin_units()["district"]))
    pd.DataFrame({
        "Khu công nghiệp": records["industrial_park"], "Huyện/Thị xã/Thành phố": records["district_code"].map(names),
        "Kỳ": records["period"].str.replace(r"(\d{4})-Q(\d)", r"Quý \2/\1", regex=True),
        "Số lao động": records["workers"], "Số lao động được đào tạo": records["workers_trained"],
        "Số giờ đào tạo": records["training_hours"],
    }).to_csv(path, index=False, encoding="utf-8")
    return path


def _register_text(register: pd.DataFrame) -> pd.DataFrame:
    """The register as an agency would export it: Vietnamese headers and labels."""
    units = reference.admin_units()
    district_names = dict(zip(units["district_code"], units["district"])) | DISTRICT_NAMES_2023
    commune_names = dict(zip(units["commune_code"], units["commune"]))

    def number(values: pd.Series) -> pd.Series:
        return values.map(lambda v: "" if pd.isna(v) else str(int(v)))

    return pd.DataFrame(
        {
            REGISTER_HEADERS["tax_code"]: register["tax_code"],
            REGISTER_HEADERS["name"]: register["name"],
            REGISTER_HEADERS["district"]: register["district_code"].map(district_names),
            REGISTER_HEADERS["commune"]: register["commune_code"].map(commune_names),
            REGISTER_HEADERS["vsic"]: register["vsic4"],
            REGISTER_HEADERS["legal_form"]: register["legal_form"].map(LEGAL_FORM_TEXT),
            REGISTER_HEADERS["ownership"]: register["ownership"].map(OWNERSHIP_TEXT),
            REGISTER_HEADERS["registered_on"]: pd.to_datetime(register["registered_on"]).dt.strftime("%d/%m/%Y"),
            REGISTER_HEADERS["employees"]: number(register["employees"]),
            REGISTER_HEADERS["charter_capital_vnd"]: number(register["charter_capital_vnd"]),
            REGISTER_HEADERS["revenue_vnd"]: number(register["revenue_vnd"]),
            REGISTER_HEADERS["industrial_park"]: register["industrial_park"].fillna(""),
            REGISTER_HEADERS["status"]: register["status"].map(STATUS_TEXT),
        }
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw_is_empty(raw_dir: Path) -> bool:
    """True when ``raw_dir/register`` holds no data file (READMEs do not count)."""
    folder = raw_dir / "register"
    return not folder.is_dir() or not any(
        p.is_file() and p.suffix.lower() in {".csv", ".xlsx", ".txt", ".tsv"} for p in folder.iterdir()
    )


def truth_dir_for(raw_dir: Path) -> Path:
    """Where the ground truth of a messy raw folder goes: beside it, never inside it."""
    raw_dir = Path(raw_dir).resolve()
    return raw_dir.parent / f"{raw_dir.name}_truth"


def write_synthetic(
    raw_dir: Path = config.RAW_DIR,
    *,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    messiness: str = "realistic",
    truth_dir: Path | None = None,
) -> SynthResult:
    """Write the synthetic register (one file per district) and platform records.

    ``messiness`` is ``none`` (tidy UTF-8 CSV), ``realistic`` (the default: mixed
    formats, encodings, spellings, duplicates and junk at the rates of
    :data:`adoption.mess.RATES`) or ``heavy`` (three times those rates). For a messy
    folder the ground truth of every row goes to ``truth_dir`` (default: beside
    ``raw_dir``, named ``<raw>_truth``). Refuses to write over a register folder that
    already holds data unless ``force``.

    >>> result = write_synthetic(Path("/tmp/example-raw"), force=True)  # doctest: +SKIP
    >>> result.register_rows  # doctest: +SKIP
    76500
    """
    from .mess import LEVELS, write_messy

    raw_dir = Path(raw_dir)
    if messiness not in LEVELS:
        raise AdoptionError(f"messiness {messiness!r} is not a level; valid values: {', '.join(LEVELS)}")
    if not force and not raw_is_empty(raw_dir):
        raise AdoptionError(
            f"{raw_dir / 'register'} already holds data; the generator writes only into an empty "
            "register folder. Use --force to overwrite it with synthetic data."
        )
    register, platforms = generate(seed)
    reg_dir = raw_dir / "register"
    plat_dir = raw_dir / "platforms"
    for folder in (reg_dir, plat_dir):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("synthetic_*"):
            old.unlink()
    truth_path = None
    if messiness == "none":
        written = _write_tidy(register, platforms, raw_dir)
    else:
        log.info("writing %s exports (mixed formats, spellings, duplicates, junk rows)", messiness)
        messy = write_messy(register, platforms, raw_dir, level=messiness, seed=seed)
        written = messy.files
        truth_path = Path(truth_dir) if truth_dir else truth_dir_for(raw_dir)
        truth_path.mkdir(parents=True, exist_ok=True)
        messy.register_truth.to_parquet(truth_path / "register_truth.parquet", index=False)
        messy.platform_truth.to_parquet(truth_path / "platform_truth.parquet", index=False)
        (truth_path / "README.md").write_text(TRUTH_README, encoding="utf-8")
        log.info("wrote the ground truth to %s", truth_path)
    for folder in ("survey", "workforce"):
        for old in (raw_dir / folder).glob("synthetic_*"):
            old.unlink()
    written.append(_write_survey(survey_sample(register, seed), raw_dir))
    written.append(_write_workforce(workforce_records(register, seed), raw_dir))
    for path in written:
        log.info("wrote %s", path.relative_to(raw_dir))
    manifest = {
        "synthetic": True,
        "generator": "adoption.synth",
        "package_version": __version__,
        "seed": seed,
        "messiness": messiness,
        "truth_dir": str(truth_path) if truth_path else None,
        "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "notice_en": "Synthetic data: generated and calibrated to published figures, not a real register.",
        "notice_vi": "Dữ liệu tổng hợp (mô phỏng): được sinh ra và hiệu chỉnh theo số liệu công bố, không phải sổ đăng ký thật.",
        "files": {p.relative_to(raw_dir).as_posix(): _sha256(p) for p in written},
    }
    (raw_dir / config.SYNTHETIC_MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return SynthResult(raw_dir=raw_dir, files=written, register_rows=len(register), platform_rows=len(platforms))


TRUTH_README = """# Ground truth of a synthetic messy register

Written by `adoption synth` beside the raw folder, never inside it, so that the cleaning
step cannot see it. One row per data row written:

- `register_truth.parquet`: `source_file`, `source_sheet`, `source_row` (as the cleaning
  step reports them), the canonical values of the firm (`tax_code`, `district_code`,
  `commune_code`, `vsic4`, `legal_form`, `ownership`, `status`), `expected` (`kept`,
  `merged` for a duplicate, `rejected` for a junk row) and `entity` (the tax code of the
  firm a kept or duplicate row describes).
- `platform_truth.parquet`: the same for platform records, with `platform`.
"""


def _write_tidy(register: pd.DataFrame, platforms: pd.DataFrame, raw_dir: Path) -> list[Path]:
    """One UTF-8 CSV per district and one platform file, with canonical spellings."""
    written: list[Path] = []
    text = _register_text(register)
    for code, rows in text.groupby(register["district_code"].to_numpy(), sort=True):
        path = raw_dir / "register" / f"synthetic_register_{code}.csv"
        rows.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    plat_text = pd.DataFrame(
        {
            PLATFORM_HEADERS["tax_code"]: platforms["tax_code"],
            PLATFORM_HEADERS["platform"]: platforms["platform"].map(PLATFORM_TEXT),
            PLATFORM_HEADERS["adopted_on"]: pd.to_datetime(platforms["adopted_on"]).dt.strftime("%d/%m/%Y"),
        }
    )
    plat_path = raw_dir / "platforms" / "synthetic_platforms_2023.csv"
    plat_text.to_csv(plat_path, index=False, encoding="utf-8")
    written.append(plat_path)
    return written


def synthetic_files(raw_dir: Path) -> dict[str, str]:
    """Files of ``raw_dir`` that the generator wrote and nobody changed since: path -> hash."""
    manifest_path = Path(raw_dir) / config.SYNTHETIC_MANIFEST
    if not manifest_path.is_file():
        return {}
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    unchanged = {}
    for rel, digest in manifest.get("files", {}).items():
        path = Path(raw_dir) / rel
        if path.is_file() and _sha256(path) == digest:
            unchanged[rel] = digest
    return unchanged

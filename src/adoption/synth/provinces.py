"""The provinces of a national synthetic register: how many firms each has, and how its
register writes the province and the district.

Shares of the country's active enterprises (``adoption synth --scope national``):

- **published** (:data:`PUBLISHED_SHARES`): the General Statistics Office's White Book of
  Vietnamese Enterprises 2022 (Sách trắng doanh nghiệp Việt Nam 2022), active
  enterprises at 31 December 2021: 857,551 in the country, of which Ho Chi Minh City
  268,465 (31.3%), Hà Nội 178,493 (20.8%) and Bình Dương 37,668 (4.4%), as reported by
  congthuong.vn and kinhtedothi.vn;
- **assumed from published densities** (:data:`ASSUMED_SHARES`): the White Book 2025
  gives active enterprises per 1,000 inhabitants in 2024 (Đà Nẵng 19.9, Bắc Ninh 11.7,
  Bà Rịa - Vũng Tàu 10.5, Hải Phòng 10.5; tapchikinhtetaichinh.vn); times approximate
  populations (not in the reference data, so an assumption) they give the shares below.
  Đồng Nai, the large industrial province beside Bình Dương, is given 2.5% with no
  source;
- **assumed** for the other 55 provinces: the rest, split in proportion to their number
  of commune-level units (``n_commune_units`` of the reference list), a stand-in for
  population where no count was found. It is an assumption, not a published figure:
  mountain provinces with many small communes get more firms than they have.

Bình Dương's own register is the calibrated one (:mod:`adoption.synth.register`), scaled
to its share, never below :data:`~adoption.synth.targets.MIN_FIRMS` active firms.
"""

from __future__ import annotations

import numpy as np

from ..core import reference
from ..core.scope import BINH_DUONG, HO_CHI_MINH_CITY
from ..core.text import fold, strip_prefix
from .targets import MIN_FIRMS, Targets

PUBLISHED_SHARES = {"79": 0.313, "01": 0.208, "74": 0.044}
ASSUMED_SHARES = {"48": 0.028, "31": 0.025, "27": 0.020, "77": 0.014, "75": 0.025}

# Inactive head offices and branches per active head office: Bình Dương's (targets.Targets).
_T = Targets()
INACTIVE_RATE = {status: count / _T.active for status, count in _T.inactive.items()}
BRANCH_RATE = _T.branches / _T.active
# Share of active head offices using a digital platform outside Bình Dương: assumed a
# little below Bình Dương's published 69% (45,000 of 65,000).
ADOPTION_SHARE = 0.60

# Districts of Ho Chi Minh City as registers wrote them before 2025 (a sample of its 22
# units): none is a district of Bình Dương.
HCM_DISTRICTS = ("Quận 1", "Quận 3", "Quận 5", "Quận 7", "Quận 10", "Quận 12", "Quận Bình Thạnh", "Quận Gò Vấp",
                 "Quận Tân Bình", "Quận Tân Phú", "Quận Bình Tân", "Thành phố Thủ Đức", "Huyện Bình Chánh",
                 "Huyện Củ Chi", "Huyện Hóc Môn", "Huyện Nhà Bè")
# Words of synthetic district names elsewhere (the package has no district list of other
# provinces; the cleaner does not read them): "Huyện <word>" beside the province's city.
DISTRICT_WORDS = ("Đông Sơn", "Yên Lạc", "Phú Hòa", "Tân Lập", "Hòa An", "Kim Sơn", "Thạch Hà", "Vĩnh Tường")
STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
           "Nguyễn Trãi", "Lê Duẩn", "Hùng Vương", "Phan Chu Trinh", "Điện Biên Phủ", "Ngô Quyền")


def province_table() -> "np.ndarray":
    """The 63 provinces: GSO code, official name, commune-level units (a structured array)."""
    table = reference.gso_provinces()
    return table[["gso_code", "name", "n_commune_units"]].to_records(index=False)


def province_shares() -> dict[str, float]:
    """Each province's assumed share of the country's active enterprises (sums to 1).

    >>> shares = province_shares()
    >>> len(shares), round(float(sum(shares.values())), 9), shares["79"], shares["74"]
    (63, 1.0, 0.313, 0.044)
    """
    table = province_table()
    fixed = {**PUBLISHED_SHARES, **ASSUMED_SHARES}
    rest = [(code, units) for code, _, units in table if code not in fixed]
    left = 1.0 - sum(fixed.values())
    total = sum(units for _, units in rest)
    return {code: float(fixed[code] if code in fixed else left * dict(rest)[code] / total) for code, _, _ in table}


def _largest_remainder(shares: np.ndarray, total: int) -> np.ndarray:
    scaled = shares / shares.sum() * total
    floor = np.floor(scaled).astype(np.int64)
    order = np.argsort(-(scaled - floor), kind="stable")
    floor[order[: total - int(floor.sum())]] += 1
    return floor


def province_counts(firms: int, provinces: tuple[str, ...]) -> dict[str, int]:
    """Active head offices per province of ``provinces`` for ``firms`` in all, in
    proportion to :func:`province_shares` (exactly ``firms`` in all; Bình Dương at least
    :data:`MIN_FIRMS`, one firm at least elsewhere).

    >>> counts = province_counts(1_000_000, ("01", "74", "79"))
    >>> sum(counts.values()), counts["79"] > counts["01"] > counts["74"]
    (1000000, True)
    """
    shares = province_shares()
    codes = list(provinces)
    counts = dict(zip(codes, _largest_remainder(np.array([shares[c] for c in codes]), firms).tolist()))
    if BINH_DUONG in counts and len(codes) > 1 and counts[BINH_DUONG] < MIN_FIRMS:
        others = [c for c in codes if c != BINH_DUONG]
        counts = {BINH_DUONG: MIN_FIRMS, **dict(zip(others, _largest_remainder(
            np.array([shares[c] for c in others]), max(firms - MIN_FIRMS, len(others))).tolist()))}
    return {code: max(int(n), 1) for code, n in counts.items()}


def short_name(name: str) -> str:
    """A province's name without its type (``Tỉnh Hà Giang`` -> ``Hà Giang``)."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def province_spellings(code: str, name: str) -> tuple[str, ...]:
    """How registers write a province in its column: the official name first, then
    without its type, in capitals, without diacritics, and abbreviated (TP., T.)."""
    short = short_name(name)
    kind = "TP." if name.startswith("Thành phố") else "T."
    ascii_short = strip_prefix(fold(name), ("thanh pho", "tinh")).title()
    return (name, short, name.upper(), ascii_short, f"{kind} {short}")


def address_province(code: str, name: str) -> tuple[str, ...]:
    """How an address ends in a province (``…, Tỉnh Hà Giang``, ``…, TP.HCM``)."""
    if code == HO_CHI_MINH_CITY:
        return ("Thành phố Hồ Chí Minh", "TP.HCM", "TP. Hồ Chí Minh")
    short = short_name(name)
    return (name, short) if name.startswith("Tỉnh") else (name, f"TP {short}")


def district_texts(code: str, name: str) -> tuple[str, ...]:
    """Plausible district texts of a province other than Bình Dương (never read by the cleaner)."""
    if code == HO_CHI_MINH_CITY:
        return HCM_DISTRICTS
    return (f"Thành phố {short_name(name)}", *(f"Huyện {word}" for word in DISTRICT_WORDS))

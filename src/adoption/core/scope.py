"""The area a build covers: one of the 63 provinces, or the whole country.

A scope is given by a province's statistics-office (GSO) code (``74``), by its name in
any spelling (``Bình Dương``, ``Tỉnh Bình Dương``, ``binh duong``, ``TP.HCM``), or as
``national`` (all 63). The provinces are those before the 2025 reform
(``reference_data/vn_63_provinces_gso_codes_20250301.csv``). The default is Bình Dương,
the only province whose districts and communes the package knows; elsewhere a firm is
placed at province level only.

The cleaning keeps the rows located in the scope and rejects the others as
``outside_scope``; ``quality.json`` records the scope (:meth:`Scope.as_dict`), and the
reports name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache

from .errors import ParameterError
from .text import fold, strip_prefix

# GSO codes of the provinces the package knows in detail: Bình Dương (its districts and
# communes, and their 2025 units) and Ho Chi Minh City (which those units joined in 2025).
BINH_DUONG = "74"
HO_CHI_MINH_CITY = "79"
DEFAULT_SCOPE = BINH_DUONG
NATIONAL = "national"
# Folded spellings of the whole country as a scope.
NATIONAL_KEYS = frozenset({NATIONAL, "all", "ca nuoc", "toan quoc", "viet nam", "vietnam"})
NATIONAL_NAME = "Cả nước (63 tỉnh, thành phố)"
# Prefixes of province-level names, folded: Tỉnh, Thành phố (trực thuộc trung ương), TP., T.P., T.
PROVINCE_PREFIXES = ("thanh pho", "tinh", "tp", "t p", "t")
# Suffixes of province-level names in English, folded: Hanoi city, Binh Duong province.
PROVINCE_SUFFIXES = (" city", " province")
# Other ways registers and addresses write some provinces, folded, beside the official
# names. Source: common usage in business addresses: Ho Chi Minh City's abbreviations
# (TP.HCM, TPHCM, HCMC) and its former name Sài Gòn; Huế's former province name Thừa
# Thiên Huế (the reference list names the city since its 2025 status); Bà Rịa - Vũng
# Tàu's abbreviation; the older spellings with c of Đắk Lắk, Đắk Nông and Bắc Kạn.
PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "79": ("hcm", "tphcm", "hcmc", "ho chi minh city", "sai gon", "saigon"),
    "46": ("thua thien hue", "tt hue"),
    "77": ("brvt", "ba ria vung tau"),
    "66": ("dac lac", "daklak"),
    "67": ("dac nong", "daknong"),
    "06": ("bac can",),
}


@lru_cache(maxsize=1)
def province_names() -> dict[str, str]:
    """GSO code -> official name, for the 63 provinces.

    >>> province_names()["74"], len(province_names())
    ('Tỉnh Bình Dương', 63)
    """
    from . import reference  # pandas only once a province is looked up: `adoption report` checks hashes first

    table = reference.gso_provinces()
    return dict(zip(table["gso_code"], table["name"]))


@lru_cache(maxsize=1)
def province_index() -> dict[str, str]:
    """Folded spelling -> GSO code: each official name with and without its type (and
    without its spaces), the code, and :data:`PROVINCE_ALIASES`.

    >>> [province_index()[k] for k in ("hanoi", "da nang", "danang", "haiphong")]
    ['01', '48', '48', '31']
    """
    index: dict[str, str] = {}
    for code, name in province_names().items():
        bare = strip_prefix(fold(name), PROVINCE_PREFIXES)
        # The name written as one word too, as in English: Hanoi, Danang, Haiphong, Cantho.
        for key in (fold(name), bare, bare.replace(" ", ""), code):
            index.setdefault(key, code)
    for code, keys in PROVINCE_ALIASES.items():
        index.update(dict.fromkeys(keys, code))
    return index


def province_code(value: str) -> str | None:
    """The GSO code of a province from any spelling of its name or its code; None when it
    names none of the 63.

    >>> [province_code(v) for v in ["Tỉnh Hà Giang", "ha giang", "TP. Hồ Chí Minh", "Thành phố Hà Nội", "1", "Hà Tây"]]
    ['02', '02', '79', '01', '01', None]
    >>> [province_code(v) for v in ["Hà Nội city", "Da Nang City", "Binh Duong province", "Ho Chi Minh City", "city"]]
    ['01', '48', '74', '79', None]
    """
    key = fold(str(value))
    if key.isdigit() and len(key) <= 2:
        key = key.zfill(2)
    index = province_index()
    found = index.get(key) or index.get(strip_prefix(key, PROVINCE_PREFIXES))
    for suffix in PROVINCE_SUFFIXES:  # as English writes it: Hanoi city, Binh Duong province
        if found is None and key.endswith(suffix):
            found = province_code(key.removesuffix(suffix))
    return found


@dataclass(frozen=True)
class Scope:
    """A scope: ``code`` (a GSO code, or ``national``), its ``name`` and the GSO codes of
    the ``provinces`` it covers."""

    code: str
    name: str
    provinces: tuple[str, ...]

    @property
    def is_default(self) -> bool:
        return self.code == DEFAULT_SCOPE

    def as_dict(self) -> dict:
        """As ``quality.json`` records it."""
        return {"code": self.code, "name": self.name, "provinces": list(self.provinces)}


def parse_scope(value: str | int | Scope | None = None) -> Scope:
    """The scope ``value`` names (None: the default, Bình Dương), or a clear error.

    >>> parse_scope().as_dict()
    {'code': '74', 'name': 'Tỉnh Bình Dương', 'provinces': ['74']}
    >>> parse_scope("ha noi").code, parse_scope("Tỉnh Bình Dương").code, len(parse_scope("national").provinces)
    ('01', '74', 63)
    """
    if isinstance(value, Scope):
        return value
    if value is None:
        value = DEFAULT_SCOPE
    key = fold(str(value))
    if key in NATIONAL_KEYS:
        return Scope(NATIONAL, NATIONAL_NAME, tuple(province_names()))
    code = province_code(str(value))
    if code is None:
        close = get_close_matches(strip_prefix(key, PROVINCE_PREFIXES), list(province_index()), n=1, cutoff=0.75)
        hint = f"; did you mean {province_names()[province_index()[close[0]]]!r}?" if close else ""
        raise ParameterError(
            f"scope {value!r}: expected one of the 63 provinces, by GSO code (01 to 96, e.g. 74) or by name in any "
            f"spelling (e.g. 'Bình Dương', 'Tỉnh Hà Giang', 'tp ho chi minh'), or 'national' for all 63{hint}")
    return Scope(code, province_names()[code], (code,))


def recorded_code(quality: dict) -> str:
    """The code of the scope a clean set was made for, as its ``quality.json`` records it,
    read without a province lookup (no pandas): a build that finds nothing to do stays quick.
    Clean data written before scopes are Bình Dương's.

    >>> recorded_code({}), recorded_code({"scope": {"code": "national"}})
    ('74', 'national')
    """
    return ((quality or {}).get("scope") or {}).get("code", DEFAULT_SCOPE)


def recorded_scope(quality: dict) -> Scope:
    """The scope a clean set was made for, as its ``quality.json`` records it; clean data
    written before scopes existed are Bình Dương's."""
    recorded = (quality or {}).get("scope") or {}
    return parse_scope(recorded.get("code", DEFAULT_SCOPE))

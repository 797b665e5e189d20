"""Addresses: the parts of an address string that say where a firm is.

An address is read from its end, where Vietnamese addresses name the largest unit:
the province (``Tỉnh Bình Dương``, ``Thành phố Hồ Chí Minh``, ``TP.HCM``), then, before
1 July 2025, the district unit (``TP. Thủ Dầu Một``, ``TX. Bến Cát``), then the ward,
commune or town (``Phường Phú Cường``, ``P. Phú Cường``, ``Xã An Bình``). Parts are
separated by commas or semicolons, and also where a unit's name begins without one
(``P.Phú Cường TP.Thủ Dầu Một``); case, diacritics and spacing do not matter. Street
numbers, streets and quarters before the commune are ignored.

This module only splits and recognises the province and the district unit; which
commune the remaining part names, in either map, is for :mod:`adoption.clean.geo2025`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache

from ..core import reference
from ..core.scope import BINH_DUONG, HO_CHI_MINH_CITY, province_names
from ..core.text import fold, nfc
from . import vocab
from .places import district_code, strip_prefix

# How registers write Ho Chi Minh City, folded, after a leading "Thành phố"/"TP" is
# removed. Source: the city's own usage (TP.HCM, TP. Hồ Chí Minh, Tp HCM, TPHCM) and its
# former name, still common in business addresses.
HCM_KEYS = frozenset({"ho chi minh", "hcm", "tphcm", "hcmc", "ho chi minh city", "sai gon", "saigon"})
BINH_DUONG_KEYS = frozenset({"binh duong"})
# Prefixes of province-level names: Tỉnh, Thành phố (trực thuộc trung ương), TP.
PROVINCE_PREFIXES = ("thanh pho", "tinh", "tp")
# A country written at the end of an address.
COUNTRY_KEYS = frozenset({"viet nam", "vietnam", "vn"})
# Where a unit's name begins inside a part: its type, written out or abbreviated with a
# dot (P., X., TT., Q., H., TP., TX.), or "Tp " as in "Tp HCM". "xã" after "Thị" is the
# second word of "Thị xã", not a commune.
_UNIT_START = re.compile(
    r"(?<!\w)(?<!thị )(?<!thi )(?=(?:phường|phuong|xã|xa|thị trấn|thi tran|quận|quan|huyện|huyen|thị xã|thi xa"
    r"|thành phố|thanh pho|tỉnh|tinh)\s|(?:p|x|tt|q|h|tp|tx)\.|tp\s)",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[,;]|\s[-–]\s")


@dataclass(frozen=True)
class Address:
    """What an address says about the place: its province (``binh_duong``, ``hcm``, or
    None when not written), the district unit among the 9 (GSO code), the commune part as
    written (folded), and ``outside``: the place it names outside former Bình Dương."""

    province: str | None = None
    district: str | None = None
    commune: str | None = None
    outside: str | None = None
    near: str | None = None  # the unit a misspelt district part is close to (a hint only)
    commune_written: str | None = None  # the commune part as written, for messages


def address_parts(value: str) -> list[str]:
    """The parts of an address, folded, first to last.

    >>> address_parts("Số 12, đường 30/4,P.Phú Cường TP.Thủ Dầu Một ; Tỉnh Bình Dương")
    ['so 12', 'duong 30 4', 'p phu cuong', 'tp thu dau mot', 'tinh binh duong']
    >>> address_parts("Ấp 2 Thị xã Bến Cát - Bình Dương")
    ['ap 2', 'thi xa ben cat', 'binh duong']
    """
    return [folded for folded, _ in _pieces(value)]


def _pieces(value: str) -> list[tuple[str, str]]:
    """The parts of an address: (folded, as written)."""
    return _split(nfc(str(value)))


def _split(text: str) -> list[tuple[str, str]]:
    """The parts of an address already in NFC (:func:`~adoption.core.text.nfc`)."""
    pieces = [piece.strip() for chunk in _SEPARATORS.split(text) for piece in _UNIT_START.split(chunk)]
    return [(folded, piece) for folded, piece in zip(map(fold, pieces), pieces) if folded]


@lru_cache(maxsize=1)
def _other_provinces() -> dict[str, str]:
    """Folded name (without Tỉnh/Thành phố) -> official name, for provinces other than
    Bình Dương (74) and Ho Chi Minh City (79)."""
    table = reference.provinces()
    return {strip_prefix(fold(name), PROVINCE_PREFIXES): name
            for code, name in zip(table["gso_code"], table["name"]) if code not in (BINH_DUONG, HO_CHI_MINH_CITY)}


@lru_cache(maxsize=1)
def _province_codes() -> dict[str, str]:
    """Official name -> GSO code, of the 63 provinces."""
    return {name: code for code, name in province_names().items()}


def address_province(value: str) -> str | None:
    """The GSO code of the province an address ends in (Ho Chi Minh City is 79, Bình Dương
    74); None when its end names no province of the 63.

    >>> [address_province(v) for v in ["Số 3, Huyện Vị Xuyên, Tỉnh Hà Giang", "12 Lê Lợi, Q.1, TP.HCM",
    ...                                 "P. Phú Cường, TP. Thủ Dầu Một, Bình Dương, Việt Nam", "Phường Phú Cường",
    ...                                 "Số 6, Thành phố Bà Rịa, Tỉnh Bà Rịa - Vũng Tàu"]]
    ['02', '79', '74', None, '77']
    """
    parts = [folded for folded, _ in _split_province(_pieces(value))]
    while parts and parts[-1] in COUNTRY_KEYS:
        parts.pop()
    if not parts:
        return None
    province, other = _province(parts[-1])
    if province:
        return {"binh_duong": BINH_DUONG, "hcm": HO_CHI_MINH_CITY}[province]
    if not other and len(parts) > 1:  # a name split at its dash: "Tỉnh Bà Rịa - Vũng Tàu"
        other = _other_provinces().get(strip_prefix(f"{parts[-2]} {parts[-1]}", PROVINCE_PREFIXES))
    return _province_codes().get(other) if other else None


def _province(part: str) -> tuple[str | None, str | None]:
    """(``binh_duong`` or ``hcm``, None), (None, name of another province) or (None, None)."""
    key = strip_prefix(part, PROVINCE_PREFIXES)
    if key in HCM_KEYS or part in HCM_KEYS:
        return "hcm", None
    if key in BINH_DUONG_KEYS:
        return "binh_duong", None
    return None, _other_provinces().get(key)


def _split_province(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pieces with a province written without a comma before it (``... TP.Thủ Dầu Một
    Bình Dương``) split off the last one, unless what precedes it is only a unit type
    (``Phường Bình Dương`` is a ward)."""
    if not pieces:
        return pieces
    folded, written = pieces[-1]
    words = folded.split()
    for size in range(min(len(words) - 1, 5), 0, -1):
        head, tail = " ".join(words[:-size]), " ".join(words[-size:])
        if head in (*vocab.COMMUNE_PREFIXES, *vocab.DISTRICT_PREFIXES, *PROVINCE_PREFIXES):
            continue
        if _province(tail) != (None, None):
            cut = len(written.split()) - size  # folding keeps the words of a name
            return [*pieces[:-1], (head, " ".join(written.split()[:cut])), (tail, " ".join(written.split()[cut:]))]
    return pieces


def _is_district_level(part: str) -> bool:
    return strip_prefix(part, vocab.DISTRICT_PREFIXES) != part


@lru_cache(maxsize=1)
def _district_names() -> dict[str, str]:
    names = {fold(n): n for n in reference.districts()["district"]}
    return names | {strip_prefix(k, vocab.DISTRICT_PREFIXES): n for k, n in names.items()}


@lru_cache(maxsize=65536)
def _near_district(part: str) -> str | None:
    # Addresses repeat their district parts ("Quận 1" in a million addresses): each is matched once.
    names = _district_names()
    close = get_close_matches(strip_prefix(part, vocab.DISTRICT_PREFIXES), list(names), n=1, cutoff=0.85)
    return names[close[0]] if close else None


def _commune_part(parts: list[str]) -> int | None:
    """Where the commune is: the last part that names a commune-level unit by its type,
    else the last part."""
    typed = [i for i, p in enumerate(parts) if strip_prefix(p, vocab.COMMUNE_PREFIXES) != p]
    return typed[-1] if typed else (len(parts) - 1 if parts else None)


def read_address(value: str) -> Address:
    """The province, district unit and commune part of an address.

    >>> read_address("Số 12, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương")
    Address(province='binh_duong', district='718', commune='phuong phu cuong', outside=None, near=None, commune_written='Phường Phú Cường')
    >>> read_address("45 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM").outside
    'Q.1'
    >>> read_address("KCN Amata, Phường Long Bình, TP. Biên Hòa, Tỉnh Đồng Nai").outside
    'Tỉnh Đồng Nai'
    """
    text = nfc(str(value))
    _, comma, tail = text.partition(",")
    if comma and (known := _read_tail(tail)) is not None:
        return known
    return _read(_split(text))


@lru_cache(maxsize=65_536)
def _read_tail(tail: str) -> Address | None:
    """What an address (in NFC, see :func:`_pieces`) reads as, from what follows its first
    comma: the same as the whole address when that settles it, None when its first part
    may matter.

    Registers repeat the end of their addresses (``Quận 3, TP.HCM``) after a number and a
    street that differ from firm to firm: each end is read once. A comma always separates
    parts, so the end, split as it stands (a space after the comma kept), gives the whole's
    last parts; the reading goes from the last part back and stops at the first that
    decides, and None says it would have gone on into the first part.
    """
    return _read(_split(tail), whole=False)


def _read(pieces: list[tuple[str, str]], *, whole: bool = True) -> Address | None:
    """The address of ``pieces``; with ``whole`` False (the pieces of an address's end),
    None where a part before them could change it."""
    pieces = _split_province(pieces)
    parts = [folded for folded, _ in pieces]
    while parts and parts[-1] in COUNTRY_KEYS:
        parts.pop()
    province = None
    if parts:
        province, other = _province(parts[-1])
        if not province and not other and parts[-1].startswith("tinh "):
            other = pieces[len(parts) - 1][1]  # a province by its type, not one of the 63
        if other:
            return Address(outside=other)
        if province:
            parts.pop()
    district = None
    if parts and (district := district_code(parts[-1])):
        parts.pop()
    elif parts and _is_district_level(parts[-1]):
        near = _near_district(parts[-1])
        written = pieces[len(parts) - 1][1]
        return Address(province=province, near=near) if near else Address(province=province, outside=written)
    at = _commune_part(parts)
    if not whole and (at is None or strip_prefix(parts[at], vocab.COMMUNE_PREFIXES) == parts[at]):
        return None  # the commune is the last part typed as one, or else the last: maybe earlier
    if at is None:
        return Address(province=province, district=district)
    return Address(province=province, district=district, commune=parts[at], commune_written=pieces[at][1])

"""Normalisers on literal messy values, one awkward value per case, and property tests."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.clean import normalise as C
from adoption.clean import places, tax_code, vocab
from adoption.clean.vsic import split_code
from adoption.core.schema import LEGAL_FORMS, OWNERSHIPS, STATUSES


@pytest.mark.parametrize(
    "raw, code",
    [
        ("Thành phố Thủ Dầu Một", "718"),
        ("TP. Thủ Dầu Một", "718"),
        ("thu dau mot", "718"),
        ("THỦ DẦU MỘT", "718"),
        ("TX. Bến Cát", "721"),  # 2023 spelling
        ("TP. Bến Cát", "721"),  # 2024 spelling
        ("Thị xã Bến Cát", "721"),
        ("H. Bàu Bàng", "719"),
        ("Huyện Bắc Tân Uyên", "726"),
        ("Tân Uyên", "723"),
        ("Di An", "724"),
        ("725", "725"),
        ("  thuận   an ", "725"),
        ("Quận 1", None),
        ("Bến Cát town", None),
        ("", None),
    ],
)
def test_district_spellings(raw, code):
    assert places.district_code(raw) == code


@pytest.mark.parametrize(
    "raw",
    ["2610", "26100", "C2610", "C - 2610", "2610 - Sản xuất linh kiện điện tử", " 2610 "],
)
def test_vsic_spellings(raw):
    assert split_code(raw)[0] == "2610"


@pytest.mark.parametrize(
    "raw, expected",
    [("1.234.567", 1234567.0), ("1.234,5", 1234.5), ("1,234,567", 1234567.0), ("42", 42.0),
     ("", None), ("-", None), ("N/A", None), ("không", None), ("abc", None)],
)
def test_numbers(raw, expected):
    assert C.parse_number(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("05/10/2023", date(2023, 10, 5)), ("5/1/2020", date(2020, 1, 5)), ("05-10-2023", date(2023, 10, 5)),
     ("2019-03-31", date(2019, 3, 31)), ("45000", date(2023, 3, 15)), ("31/02/2020", None), ("", None)],
)
def test_dates(raw, expected):
    assert C.parse_date(raw) == expected


def test_dates_outside_range_become_null():
    out = C.clean_dates(pd.Series(["01/01/1980", "01/01/2000", "01/01/2999"]), earliest=date(1986, 1, 1), latest=date(2030, 1, 1))
    assert out.isna().tolist() == [True, False, True]


@pytest.mark.parametrize(
    "raw, expected",
    [("Công ty TNHH một thành viên", "llc_one_member"), ("TNHH MTV", "llc_one_member"),
     ("Công ty TNHH hai thành viên trở lên", "llc_multi_member"), ("CTCP", "joint_stock"),
     ("Công ty cổ phần", "joint_stock"), ("DNTN", "private_enterprise"), ("Công ty hợp danh", "partnership")],
)
def test_legal_forms(raw, expected):
    assert C.clean_category(pd.Series([raw]), patterns=vocab.LEGAL_FORM_PATTERNS, categories=LEGAL_FORMS)[0] == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("Nhà nước", "state"), ("Ngoài nhà nước", "domestic_private"), ("100% vốn nước ngoài", "fdi"),
     ("Liên doanh", "fdi"), ("FDI", "fdi"), ("Có vốn đầu tư nước ngoài", "fdi")],
)
def test_ownership(raw, expected):
    assert C.clean_category(pd.Series([raw]), patterns=vocab.OWNERSHIP_PATTERNS, categories=OWNERSHIPS)[0] == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("Đang hoạt động", "active"), ("Tạm ngừng kinh doanh", "suspended"),
     ("Đang làm thủ tục giải thể", "dissolving"), ("Đã giải thể", "dissolved")],
)
def test_status(raw, expected):
    assert C.clean_category(pd.Series([raw]), patterns=vocab.STATUS_PATTERNS, categories=STATUSES)[0] == expected


def test_normalisers_do_not_mutate_input():
    raw = pd.Series([" Công  ty ", "-"])
    before = raw.copy()
    C.clean_text(raw)
    pd.testing.assert_series_equal(raw, before)


@pytest.mark.parametrize(
    "raw, code",
    [("P. Hiệp Thành", "25741"), ("Phuong Hiep Thanh", "25741"), ("PHƯỜNG HIỆP THÀNH", "25741"), ("Hiệp Thành", "25741"),
     ("25741", "25741"), ("  p.  hiep   thanh ", "25741"), ("Phường Không Có", None)],
)
def test_commune_spellings(raw, code):
    assert places.commune_code(raw, "718") == code


def test_commune_looked_up_within_its_district():
    assert places.commune_code("An Bình", "724") == "25960"
    assert places.commune_code("An Bình", "722") == "25870"
    assert places.district_of_commune("An Bình") is None  # two districts have one: never guessed
    assert places.district_of_commune("Phường An Bình") == "724"


@pytest.mark.parametrize(
    "raw, name",
    [("Khu công nghiệp Sóng Thần 2", "KCN Sóng Thần 2"), ("KCN SONG THAN 2", "KCN Sóng Thần 2"),
     ("kcn Sóng Thần 2", "KCN Sóng Thần 2"), ("KCN Mới Chưa Có", "KCN Mới Chưa Có"), ("", None), ("-", None)],
)
def test_park_names(raw, name):
    assert places.park_name(raw) == name


def test_near_miss_district_is_only_a_hint():
    assert places.district_code("Thu Dau Mt") is None
    assert places.closest_district("Thu Dau Mt") == "Thành phố Thủ Dầu Một"


# ------------------------------------------------------------------ properties


@given(st.integers(min_value=0, max_value=10**15))
def test_numbers_read_back_in_every_style(value):
    english = f"{value:,}"
    vietnamese = english.replace(",", ".")
    assert C.parse_number(str(value)) == value
    assert C.parse_number(english) == value
    if value >= 1000:
        assert C.parse_number(vietnamese) == value


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=9))
def test_vietnamese_decimal_comma(whole, tenth):
    text = f"{whole:,}".replace(",", ".") + f",{tenth}"
    assert C.parse_number(text) == pytest.approx(whole + tenth / 10)


@given(st.text(alphabet="abcxyzđ!?/ ", min_size=1))
def test_non_numbers_are_not_read(text):
    assert C.parse_number(text) is None


@given(st.dates(min_value=date(1986, 1, 1), max_value=date(2030, 12, 31)))
def test_dates_read_back_in_every_format(day):
    serial = (day - date(1899, 12, 30)).days
    for text in (day.strftime("%d/%m/%Y"), f"{day.day}/{day.month}/{day.year}", day.strftime("%d-%m-%Y"),
                 day.isoformat(), str(serial)):
        assert C.parse_date(text) == day, text


@given(st.integers(min_value=0, max_value=999_999_999))
def test_tax_codes_with_valid_check_digit_normalise_in_any_spelling(body):
    first9 = f"{body:09d}"
    digit = tax_code.check_digit(first9)
    if digit is None or first9[2:] == "0000000":  # no check digit, or a sequence number never issued
        assert tax_code.normalise(first9 + (digit or "0"))[0] is None
        return
    code = first9 + digit
    for spelling in (code, f" {code[:3]} {code[3:6]} {code[6:]} ", f"{code[:4]}.{code[4:7]}.{code[7:]}"):
        assert tax_code.normalise(spelling) == (code, None)
    if code[:2] != "00":  # codes start with a province prefix 01-99: a number loses at most one zero
        assert tax_code.normalise(int(code)) == (code, None)
    assert tax_code.normalise(f"{code}_042") == (f"{code}-042", None)
    wrong = code[:9] + str((int(digit) + 1) % 10)
    assert tax_code.normalise(wrong)[0] is None


def test_numbers_too_large_for_any_register_become_null():
    # 10^30 would wrap to a negative 64-bit integer; 10^18 VND is beyond any firm.
    out = C.clean_numbers(pd.Series(["1" + "0" * 30, "123456789012345", "1" + "0" * 18, "1" + "0" * 19]))
    assert out.isna().tolist() == [True, False, False, True]
    assert out.iloc[1:3].astype(int).tolist() == [123_456_789_012_345, 10**18]
    _, problems = C.read_numbers(pd.Series(["1" + "0" * 30, "5"]))
    assert problems.tolist() == ["out_of_range", None]


def test_control_characters_do_not_stay_in_names():
    raw = pd.Series(["Công ty\x00 An Phát", "Công ty\x1b[31m Đỏ", "Tab\there\r\nnext"])
    assert C.clean_text(raw).tolist() == ["Công ty An Phát", "Công ty[31m Đỏ", "Tab here next"]


@given(st.integers(min_value=0, max_value=10**12),
       st.sampled_from([0x30, 0x660, 0x6F0, 0x966, 0xE50, 0xFF10]))  # ASCII, Arabic-Indic, Persian, Devanagari, Thai, full-width
def test_numbers_read_in_any_scripts_digits(value, zero):
    digits = "".join(chr(zero + int(d)) for d in str(value))
    assert C.parse_number(digits) == value
    assert C.parse_number("".join(chr(zero + int(d)) if d.isdigit() else d for d in f"{value:,}")) == value


@pytest.mark.parametrize("raw", ["", "  ", "-", " - ", "--", "–", "—", "...", "…", "N/A", "n / a", "NA", "nan", "None",
                                 "null", "không", "KHONG", "x", "X", "\u200b", "\u00a0"])
def test_missing_markers(raw):
    assert C.is_missing(raw)


@pytest.mark.parametrize("raw", ["0", "<!-- x", "<b>", "x-Ray", "N/A Trading", "-5", "(x)", "١٢", "１２", "<>", "không có"])
def test_values_that_hold_a_missing_marker_are_values(raw):
    assert not C.is_missing(raw)


@pytest.mark.parametrize("raw", ["(5)", "50%", "1e2", "inf", "-inf", "Infinity", "12 người", "10²", "½", "+-3", "1.2.3,4,5"])
def test_numbers_written_otherwise_are_not_read(raw):
    assert C.parse_number(raw) is None


@pytest.mark.parametrize("raw", ["31/02/2015", "2015-13-01", "00/00/0000", "29/02/2023", "01/01/2015 (dự kiến)",
                                 "1/2015", "45000,5", "2015-03-01 lúc 8h"])
def test_dates_written_otherwise_are_not_read(raw):
    assert C.parse_date(raw) is None


@pytest.mark.parametrize("raw", ["２０１５-０３-０１", "01/03/2015 08:30", "2015-03-01T08:30:00", "1/3/2015 8:30:00 PM",
                                 "42064.75", "٠١/٠٣/٢٠١٥"])
def test_dates_in_other_digits_or_with_a_time_of_day(raw):
    assert C.parse_date(raw) == date(2015, 3, 1)


def test_map_text_and_map_pairs_are_the_per_row_answers():
    from adoption.clean.normalise import map_pairs, map_text, map_unique
    from adoption.clean.places import commune_code, district_code

    districts = pd.Series(["Thủ Dầu Một", "TP. Thủ Dầu Một", None, "Dĩ An", "nowhere", "Dĩ An", ""], dtype="str")
    communes = pd.Series(["Phú Cường", "Phú Cường", "Phú Cường", "Dĩ An", "Phú Cường", None, "Đông Hòa"], dtype="str")
    codes = map_text(districts, district_code)
    expected = [district_code(v) for v in districts.astype(object).tolist()]
    assert codes.tolist() == [pd.NA if e is None else e for e in expected]
    assert str(codes.dtype) == "string" and codes.index.equals(districts.index)
    assert codes.tolist() == map_unique(districts, district_code).astype("string").tolist()
    # Each row's pair, decided once per distinct pair, as the rows one by one decide it.
    pairs = map_pairs(codes, communes, lambda code, name: commune_code(name or "", code or None))
    by_row = [commune_code("" if pd.isna(n) else n, None if pd.isna(c) else c) for c, n in zip(codes.tolist(), communes.tolist())]
    assert pairs.tolist() == [pd.NA if v is None else v for v in by_row]
    assert pairs.notna().sum() >= 2  # Phú Cường of Thủ Dầu Một, Dĩ An of Dĩ An


@given(st.lists(st.tuples(st.sampled_from(["a", "b", None, ""]), st.sampled_from(["x", "y", None, "x "])), min_size=1, max_size=30))
def test_map_pairs_calls_once_per_pair_and_answers_each_row(rows):
    from adoption.clean.normalise import map_pairs

    calls = []
    def join(a, b):
        calls.append((a, b))
        return None if a is None and b is None else f"{a}|{b}"
    first = pd.Series([a for a, _ in rows], dtype="str")
    second = pd.Series([b for _, b in rows], dtype="str")
    out = map_pairs(first, second, join)
    expected = [None if (pd.isna(a) and pd.isna(b)) else f"{None if pd.isna(a) else a}|{None if pd.isna(b) else b}"
                for a, b in zip(first.tolist(), second.tolist())]
    assert out.tolist() == [pd.NA if e is None else e for e in expected]
    assert len(calls) == len(set(calls))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["12", "2.5", "3,5", "-3", "0", "-0", "(5)", "N/A", "", "1.234.567", "1,234.5", "600",
                                 "abc", "١٢", "1e3", "999999999999999999999", " 7 ", None]), min_size=1, max_size=30),
       st.sampled_from([None, 500]), st.booleans())
def test_numbers_are_each_values_own_reading(values, maximum, whole):
    # Each value by itself: parse_number's reading, refused when negative or above the
    # limit, rounded half to even (Python's round) for whole numbers.
    from adoption.clean.normalise import MAX_NUMBER, OUT_OF_RANGE, UNREADABLE, is_missing, parse_number, read_numbers

    limit = MAX_NUMBER if maximum is None else maximum
    numbers, problems = read_numbers(pd.Series(values, dtype="str"), maximum=maximum, whole=whole)
    for value, got, problem in zip(values, numbers.tolist(), problems.tolist()):
        n = None if value is None else parse_number(value)
        if n is None:
            assert got is pd.NA and problem == (None if value is None or is_missing(value) else UNREADABLE)
        elif n < 0 or n > limit:
            assert got is pd.NA and problem == OUT_OF_RANGE
        else:
            assert got == (round(n) if whole else n) and problem is None

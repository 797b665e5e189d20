"""The scope setting: a province of the 63 by code or by name in any spelling, or national."""

import pytest

from adoption.core.errors import ParameterError
from adoption.core.scope import parse_scope, province_code, recorded_scope


@pytest.mark.parametrize("value, code", [
    ("74", "74"), (74, "74"), ("1", "01"), ("01", "01"),
    ("Bình Dương", "74"), ("Tỉnh Bình Dương", "74"), ("binh duong", "74"), ("TỈNH BÌNH DƯƠNG", "74"),
    ("Hà Nội", "01"), ("Thành phố Hà Nội", "01"), ("tp ha noi", "01"), ("TP. Hà Nội", "01"),
    ("Tỉnh Hà Giang", "02"), ("ha giang", "02"),
    ("Thành phố Hồ Chí Minh", "79"), ("TP.HCM", "79"), ("ho chi minh", "79"),
    ("Tỉnh Hòa Bình", "17"), ("Hoà Bình", "17"),  # the reference writes "Hoà"
    ("Bà Rịa - Vũng Tàu", "77"), ("Thừa Thiên Huế", "46"), ("Đắc Lắc", "66"),
])
def test_a_province_by_code_or_any_spelling(value, code):
    scope = parse_scope(value)
    assert scope.code == code
    assert scope.provinces == (code,)


def test_the_default_is_binh_duong():
    assert parse_scope().as_dict() == {"code": "74", "name": "Tỉnh Bình Dương", "provinces": ["74"]}
    assert parse_scope(None).is_default


@pytest.mark.parametrize("value", ["national", "National", "NATIONAL", "toàn quốc", "cả nước"])
def test_national_is_the_63_provinces(value):
    scope = parse_scope(value)
    assert scope.code == "national"
    assert len(scope.provinces) == 63 and "74" in scope.provinces and "96" in scope.provinces
    assert not scope.is_default


@pytest.mark.parametrize("value", ["Hà Tây", "99", "Bình Dươngg x", "", "Quận 1"])
def test_an_unknown_scope_says_what_was_expected(value):
    with pytest.raises(ParameterError) as err:
        parse_scope(value)
    message = str(err.value)
    assert repr(value) in message
    assert "63 provinces" in message and "GSO code" in message and "'national'" in message


def test_a_near_miss_is_offered_not_taken():
    with pytest.raises(ParameterError, match="did you mean 'Tỉnh Bình Dương'"):
        parse_scope("Binh Duongg")


def test_province_code_of_spellings_registers_use():
    assert [province_code(v) for v in ["Tỉnh/TP", "Sài Gòn", "Ha Noi", "96", "Tỉnh Cà Mau", "T. Hà Giang"]] == [None, "79", "01", "96", "96", "02"]


def test_recorded_scope_of_clean_data_from_before_scopes_is_binh_duong():
    assert recorded_scope({}).code == "74"
    assert recorded_scope({"scope": {"code": "national"}}).code == "national"

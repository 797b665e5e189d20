"""Addresses read from their end: an end repeated across firms is read once, and the
result is always what reading the whole address gives."""

import random
import re

import pandas as pd
import pytest

from adoption.clean import addresses, provinces

# Parts an address is made of, as registers write them: numbers and streets, quarters,
# communes typed and untyped (of former Bình Dương, of the city, of nowhere), district
# units (the 9, the city's, misspelt), provinces in their spellings, the country.
PARTS = [
    "Số 12", "12/3 Lê Lợi", "Ấp 2", "KCN Amata", "đường 30/4", "Khu phố 3", "Tổ 5", "", " ",
    "Phường Phú Cường", "P.Phú Cường", "P. Phú Cường", "phu cuong", "Xã An Bình", "X.Định An", "Thị trấn Lai Uyên",
    "TT. Dầu Tiếng", "Phường Bến Nghé", "P. Bến Nghé", "Phường Bình Dương", "Phường Thủ Dầu Một", "Hiệp Thành",
    "Thành phố Thủ Dầu Một", "TP.Thủ Dầu Một", "TX. Bến Cát", "Thị xã Tân Uyên", "Huyện Dầu Tiếng", "Huyện Bàu Bàng",
    "Quận 1", "Q.3", "Quận Gò Vấp", "Huyện Củ Chi", "Thành phố Thủ Đức", "Thị xã Ben Catt", "Huyện Dầu Tiêng",
    "P Phú Cường", "Q Foo", "x An Binh", "Tinh.Xyz", "Tỉnh Bình Dương", "Bình Dương", "BÌNH DƯƠNG", "TP.HCM", "Thành phố Hồ Chí Minh", "Tp HCM", "Sài Gòn",
    "Tỉnh Đồng Nai", "Hà Nội", "Tỉnh Bà Rịa - Vũng Tàu", "Tỉnh Không Có", "Việt Nam", "VN",
]
SEPARATORS = [", ", ",", " ,", "; ", " - ", " – ", " ", ", - ", ",\u200b ", ",  – ", " ,\x00- "]


def _address(rng: random.Random) -> str:
    parts = rng.choices(PARTS, k=rng.randint(1, 6))
    text = parts[0]
    for part in parts[1:]:
        text += rng.choice(SEPARATORS) + part
    return text


@pytest.mark.parametrize("seed", range(4))
def test_reading_an_address_by_its_end_gives_what_the_whole_gives(seed):
    rng = random.Random(seed)
    values = [_address(rng) for _ in range(3000)]
    values += [f"Số {rng.randint(1, 99)}, {v}" for v in values[:1000]]  # the same ends after other heads
    addresses._read_tail.cache_clear()
    for value in values:
        assert addresses.read_address(value) == addresses._read(addresses._pieces(value)), repr(value)
    assert addresses._read_tail.cache_info().hits > 0


def test_an_end_that_does_not_settle_the_address_leaves_it_to_the_whole():
    # The end names no commune by its type: the commune is the last part, maybe the first.
    assert addresses.read_address("Phường Phú Cường, Bình Dương").commune == "phuong phu cuong"
    assert addresses.read_address("Phú Cường, Bình Dương").commune == "phu cuong"
    assert addresses.read_address("Xã An Bình, Bình Dương").commune == "xa an binh"
    # An end that settles it: the commune typed after the first comma.
    read = addresses.read_address("Phường Bến Nghé, Phường Phú Cường, TP.Thủ Dầu Một")
    assert (read.district, read.commune) == ("718", "phuong phu cuong")


# The province an address ends in was read from its last two parts as a regular expression
# extracted them; the kernels that replace it must give every address the same province.
_TAIL_PATTERN = re.compile(r"(?P<tail>(?:[^,;]*[,;])?[^,;]*)[,;\s]*$")
ENDS = ["", ",", ", ", " ,; ", ";", "\t", "\n", " ", ",,", "; Việt Nam", ", VN ,"]


@pytest.mark.parametrize("seed", range(3))
def test_the_last_two_parts_give_the_province_the_whole_ending_gives(seed):
    rng = random.Random(seed)
    values = [_address(rng) + rng.choice(ENDS) for _ in range(3000)] + ["", ",", " ; ", "Bình Dương"]
    tails = provinces._tails(pd.Series(values, dtype="string"))
    for value, tail in zip(values, tails):
        expected = _TAIL_PATTERN.search(value).group("tail")
        assert addresses.address_province(tail) == addresses.address_province(expected), (value, tail, expected)

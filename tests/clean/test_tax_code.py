import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.clean import tax_code

# Known codes from the reference data SOURCES.md.
VALID = ["0100233488", "0300588569", "0100109106", "3700145020"]
INVALID = ["0100233480", "0100109107"]


@pytest.mark.parametrize("code", VALID)
def test_known_valid_codes(code):
    assert tax_code.is_valid(code)
    assert tax_code.normalise(code) == (code, None)


@pytest.mark.parametrize("code", INVALID)
def test_known_invalid_codes(code):
    assert not tax_code.is_valid(code)
    normal, reason = tax_code.normalise(code)
    assert normal is None and "check digit" in reason


@pytest.mark.parametrize(
    "raw, expected",
    [
        (" 3700145020 ", "3700145020"),
        ("370.014.502.0", "3700145020"),
        (100233488, "0100233488"),          # stored as a number: lost its leading zero
        (100233488.0, "0100233488"),
        ("3700145020-001", "3700145020-001"),
        ("3700145020 - 001", "3700145020-001"),
        ("3700145020_001", "3700145020-001"),
        ("3700145020001", "3700145020-001"),  # 13 plain digits
    ],
)
def test_normalise_spellings(raw, expected):
    assert tax_code.normalise(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["", None, "37001450", "ABC0145020", "3700145020-000"])
def test_normalise_refuses_with_reason(raw):
    normal, reason = tax_code.normalise(raw)
    assert normal is None
    assert reason


def test_remainder_zero_admits_no_check_digit():
    # 9 zeros: weighted sum 0, remainder 0, no valid check digit.
    assert tax_code.check_digit("000000000") is None
    assert tax_code.normalise("0000000000")[0] is None


def test_sequence_number_zero_is_refused_as_python_stdnum_does():
    # Our own check-digit rule alone accepts 3700000000 (weights give check digit 0);
    # python-stdnum refuses it: the sequence number 0000000 is never issued.
    normal, reason = tax_code.normalise("3700000000")
    assert normal is None and "0000000" in reason
    assert not tax_code.is_valid("3700000000")


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.sampled_from(["", "-001", "-042", "-999", "-000"]))
def test_agrees_with_python_stdnum_on_normal_forms(digits, suffix):
    from stdnum.vn import mst

    code = digits + suffix
    assert (tax_code.normalise(code)[0] is not None) == mst.is_valid(code)


@pytest.mark.parametrize("raw", ["370014502²", "３７００１４５０２０", "370014502٠", "3700145020-٠٠١"])
def test_digits_of_other_scripts_are_refused_not_crashed(raw):
    normal, reason = tax_code.normalise(raw)
    assert normal is None and "characters other than digits" in reason


def test_codes_in_normal_form_are_checked_at_once_as_one_by_one():
    """The vectorised check of codes in normal form agrees with normalise, value by value,
    on random codes (valid, with a wrong check digit, a 000 branch, too short, spaced)."""
    import random

    import numpy as np
    import pyarrow as pa

    from adoption.clean import tax_code as mst

    rng = random.Random(3)
    values = []
    for _ in range(5000):
        digits = "".join(rng.choice("0123456789") for _ in range(9))
        check = (10 - sum(int(d) * w for d, w in zip(digits, mst._WEIGHTS)) % 11)
        code = digits + str(check % 10) if check < 10 else digits + "0"
        suffix = "".join(rng.choice("0123456789") for _ in range(3))
        values.append(rng.choice([code, f"{code}-{suffix}", f"{code}-000", code[:9], f" {code}", code[:2] + "0000000" + code[9]]))
    fast = mst.valid_in_normal_form(pa.array(values))
    slow = np.array([mst.normalise(v)[0] == v for v in values])
    assert fast.sum() > 1000 and (fast == slow).all()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789-x \n٠", min_size=8, max_size=15),
                          st.sampled_from(["3700145020", "3700145020-001", "3700145020-000", "3700145020\n"])),
                min_size=1, max_size=40), st.integers(0, 3))
def test_codes_read_from_their_bytes_are_the_ones_normalise_leaves_as_they_are(values, cut):
    # Any text of the right lengths or not, missing values, and a slice of the array (its
    # offsets not starting at 0): valid in normal form exactly where normalise gives the value back.
    import numpy as np
    import pyarrow as pa

    from adoption.clean import tax_code as mst

    array = pa.array([None] * cut + values, type=pa.large_string()).slice(cut)
    expected = np.array([v is not None and mst.normalise(v) == (v, None) for v in values])
    assert (mst.valid_in_normal_form(array) == expected).all()

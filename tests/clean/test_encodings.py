"""Each file's encoding is decided from evidence and reported; nothing is decoded silently wrong.

Every file here is written byte by byte by the test; the expected names, rows, shares and
confidences are worked out by hand in the comments.
"""

import json
import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.clean import clean_folder, clean_raw
from adoption.clean.encoding import UTF8_BOM, decode, plain_utf8
from adoption.core.errors import InputFileError

# Tones that Windows-1258 writes as combining marks after the letter (huyền, hỏi, ngã, sắc, nặng).
TONES = "\u0300\u0309\u0303\u0301\u0323"


def cp1258(text: str) -> bytes:
    """Vietnamese the way Windows-1258 writes it: letters such as ê, ơ, ă whole, tones as marks."""
    out = b""
    for char in text:
        base = "".join(c for c in unicodedata.normalize("NFD", char) if c not in TONES)
        tones = "".join(c for c in unicodedata.normalize("NFD", char) if c in TONES)
        out += unicodedata.normalize("NFC", base).encode("cp1258") + tones.encode("cp1258")
    return out


def _register(tmp_path, name: str, data: bytes):
    (tmp_path / "raw" / "register").mkdir(parents=True)
    (tmp_path / "raw" / "register" / name).write_bytes(data)
    return tmp_path / "raw"


def test_utf8_with_bad_bytes_keeps_good_rows_and_sets_the_bad_lines_aside(tmp_path):
    data = (
        "MST,Tên DN,Huyện,Mã ngành\n".encode()                      # line 1: ê ệ ã à (4 non-ASCII)
        + "3700145020,Công ty Đông Á,Thủ Dầu Một,6810\n".encode()   # line 2: ô Đ ô Á ủ ầ ộ (7)
        + b"0100233488,Minh Long \xff,D\xc4\xa9 An,2610\n"           # line 3: a bad byte; ĩ (1)
        + "0300588569-001,An Phát,Dĩ An,4711\n".encode()            # line 4: á ĩ (2)
        + "0100109106,Sao Vi".encode() + b"\xc3t," + "Bến Cát,6201\n".encode()  # line 5: a cut sequence; ế á (2)
    )
    raw = _register(tmp_path, "dn.csv", data)
    result = clean_folder(raw, tmp_path / "out")

    kept = result.enterprises.set_index("tax_code")
    assert kept["name"].to_dict() == {"3700145020": "Công ty Đông Á", "0300588569-001": "An Phát"}
    assert kept["source_row"].to_dict() == {"3700145020": 2, "0300588569-001": 4}
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    bad = rejects.set_index("source_row")
    assert list(bad.index) == ["3", "5"] and set(bad["reason_code"]) == {"bad_bytes"}
    assert bad.loc["3", "name"] == "Minh Long \ufffd" and bad.loc["5", "name"] == "Sao Vi\ufffdt"
    assert "line 3 holds 1 byte that are not UTF-8 (0xff), first in 'Tên DN'" in bad.loc["3", "reason"]
    assert "(0xc3)" in bad.loc["5", "reason"]

    quality = json.loads((tmp_path / "out" / "quality.json").read_text(encoding="utf-8"))
    info = quality["files"]["register/dn.csv"]
    assert (info["rows_read"], info["rows_kept"], info["rows_rejected"]) == (4, 2, 2)
    # 16 characters decode as UTF-8 against 2 bytes that do not: 16 / 18.
    assert info["encoding"] == "utf-8" and info["encoding_confidence"] == 0.889
    assert "16 multi-byte UTF-8 characters against 2 bytes not UTF-8 (first on line 3)" in info["encoding_evidence"]
    assert quality["reasons"] == {"bad_bytes": 2}
    assert "bad_bytes" in quality["reason_meanings"]


def test_cp1258_vietnamese_is_read_as_cp1258(tmp_path):
    text = "MST;Tên DN;Huyện;Mã ngành\n3700145020;Công ty Bình Dương;Thủ Dầu Một;6810\n"
    raw = _register(tmp_path, "dn.csv", cp1258(text))
    result = clean_raw(raw)
    assert result.enterprises["name"].tolist() == ["Công ty Bình Dương"]
    assert result.enterprises["district_code"].tolist() == ["718"]
    info = result.quality["files"]["register/dn.csv"]
    # Ten words hold non-ASCII letters; all ten are Vietnamese syllables in Windows-1258.
    # Read as Windows-1252 only "Tên" and "Công" look Western; "BiÌnh", "MaÞ", "ThuÒ" flip
    # case inside the word and "Dýõng", "Huyêòn", "Môòt" set accented vowels side by side.
    assert info["encoding"] == "cp1258" and info["encoding_confidence"] == 1.0
    assert info["encoding_evidence"] == ("of 10 words with non-ASCII letters, 100% read as Vietnamese in "
                                         "Windows-1258 and 20% read as Western European in Windows-1252")


def test_cp1252_western_text_is_read_as_cp1252(tmp_path):
    rows = [("3700145020", "Müller & Söhne GmbH"), ("0100233488", "Société Générale"),
            ("0300588569-001", "São Paulo Comércio"), ("0100109106", "Così Caffè")]
    text = "tax code,name,district,main activity\n" + "".join(f"{c},{n},Di An,4711\n" for c, n in rows)
    raw = _register(tmp_path, "western.csv", text.encode("cp1252"))
    result = clean_raw(raw)
    # Windows-1258 would have read "Săo" and "Coś" (0xe3 is ă, 0xec a combining acute there).
    assert sorted(result.enterprises["name"]) == sorted(n for _, n in rows)
    info = result.quality["files"]["register/western.csv"]
    # Eight words hold non-ASCII letters, all Western; as Vietnamese only "Săo", "Comércio"
    # and "Caffè" pass (one tone each), 3 of 8 = 38%.
    assert info["encoding"] == "cp1252" and info["encoding_confidence"] == 1.0
    assert info["encoding_evidence"] == ("of 8 words with non-ASCII letters, 38% read as Vietnamese in "
                                         "Windows-1258 and 100% read as Western European in Windows-1252")


def test_utf16_with_bom_is_reported(tmp_path):
    text = "MST\tTên DN\tHuyện\tMã ngành\n3700145020\tCông ty Đông Á\tThủ Dầu Một\t6810\n"
    raw = _register(tmp_path, "dn.txt", text.encode("utf-16"))
    result = clean_raw(raw)
    assert result.enterprises["name"].tolist() == ["Công ty Đông Á"]
    info = result.quality["files"]["register/dn.txt"]
    assert (info["encoding"], info["encoding_confidence"], info["encoding_evidence"]) == (
        "utf-16", 1.0, "UTF-16 byte-order mark")


@pytest.mark.parametrize("mark, codec", [(b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be")])
def test_utf32_with_bom_is_read_as_utf32_not_utf16(tmp_path, mark, codec):
    # The little-endian UTF-32 mark FF FE 00 00 begins with UTF-16's FF FE; the big-endian
    # one starts with two NUL bytes, as a binary file would.
    text = "MST\tTên DN\tHuyện\tMã ngành\r\n3700145020\tCông ty Đông Á\tThủ Dầu Một\t6810\r\n"
    result = clean_raw(_register(tmp_path, "dn.txt", mark + text.encode(codec)))
    assert result.enterprises["name"].tolist() == ["Công ty Đông Á"]
    info = result.quality["files"]["register/dn.txt"]
    assert (info["encoding"], info["encoding_confidence"], info["encoding_evidence"]) == (
        "utf-32", 1.0, "UTF-32 byte-order mark")


def test_broken_utf32_is_refused_by_name(tmp_path):
    data = "MST,Tên DN,Huyện,Mã ngành\n".encode("utf-32") + b"\xff\xff\xff\x7f"  # beyond U+10FFFF
    with pytest.raises(InputFileError, match=r"dn.csv: cannot decode the file \(it starts with a UTF-32 byte-order mark "
                                             r"but utf-32 fails at byte 108\)"):
        clean_raw(_register(tmp_path, "dn.csv", data))


def test_too_little_evidence_is_said_not_guessed(tmp_path):
    # One word, "São" in Windows-1252 or "Săo" in Windows-1258: both read plausibly.
    raw = _register(tmp_path, "dn.csv", "tax code,name,district,main activity\n3700145020,São,Di An,6810\n".encode("cp1252"))
    with pytest.raises(InputFileError, match=r"dn.csv: cannot tell the file's encoding: .*100% read as Vietnamese "
                                             r".*100% read as Western European.*save it as UTF-8"):
        clean_raw(raw)


def test_legacy_vietnamese_font_encoding_is_refused_with_what_to_do(tmp_path):
    # TCVN3 (ABC) puts Vietnamese letters on Latin-1 positions: "Công ty Bình Dương" is
    # stored as the bytes of "C«ng ty B×nh D­¬ng", which read as no language in either code page.
    name = b"C\xabng ty B\xd7nh D\xad\xacng"
    raw = _register(tmp_path, "dn.csv", b"tax code,name,district,main activity\n3700145020," + name + b",Di An,6810\n")
    with pytest.raises(InputFileError, match="dn.csv: cannot tell the file's encoding.*TCVN3 or VNI"):
        clean_raw(raw)


def test_a_stray_nul_is_read_and_never_stays_in_a_name(tmp_path):
    data = "MST,Tên DN,Huyện,Mã ngành\n3700145020,Công ty\x00 Đông Á,Thủ Dầu Một,6810\n".encode()
    result = clean_raw(_register(tmp_path, "dn.csv", data))
    assert result.enterprises["name"].tolist() == ["Công ty Đông Á"]


def test_a_file_of_nul_bytes_is_still_binary(tmp_path):
    raw = _register(tmp_path, "dn.csv", b"MST,Ten\n" + b"\x00\x01\x02\x00" * 200)
    with pytest.raises(InputFileError, match="dn.csv: binary content"):
        clean_raw(raw)


# ------------------------------------------------------------------ line ends


@pytest.mark.parametrize("encode", [str.encode, cp1258], ids=["utf-8", "cp1258"])
def test_old_mac_line_ends_are_read_line_by_line(tmp_path, encode):
    lines = ["MST;Tên DN;Huyện;Mã ngành", "3700145020;Công ty Đông Á;Thủ Dầu Một;6810", "",
             "0100233488;Công ty Minh Long;Dĩ An;2610"]
    result = clean_raw(_register(tmp_path, "dn.csv", encode("\r".join(lines) + "\r")))
    kept = result.enterprises.set_index("tax_code")
    assert kept["name"].to_dict() == {"3700145020": "Công ty Đông Á", "0100233488": "Công ty Minh Long"}
    assert kept["source_row"].to_dict() == {"3700145020": 2, "0100233488": 4}  # the lines an editor shows
    info = result.quality["files"]["register/dn.csv"]
    assert (info["rows_read"], info["blank_rows_skipped"]) == (2, 1)


def test_a_carriage_return_alone_inside_a_row_is_refused_with_its_line(tmp_path):
    data = b"MST,Ten DN,Huyen,Ma nganh\r\n3700145020,Cong ty A,Di An,6810\r\n0100233488,Cong\rty B,Di An,2610\r\n"
    with pytest.raises(InputFileError, match=r"dn.csv: line 3 holds a carriage return \(CR\) alone, outside quotes, "
                                             r"while the file's lines end Windows \(CR LF\).*then run again"):
        clean_raw(_register(tmp_path, "dn.csv", data))


def test_a_carriage_return_alone_is_named_where_the_reader_refuses_it_not_where_quotes_hold_one(tmp_path):
    """A carriage return in quotes on line 2 is the cell's; the one outside quotes on line 4
    is refused. The file's lines end as its first line ends."""
    data = b'MST,Ten DN,Huyen,Ma nganh\n3700145020,"Cong\rty A",Di An,6810\n1,b,c,d\r\n0100233488,Cong\rty B,Di An,2610\n'
    with pytest.raises(InputFileError, match=r"dn.csv: line 4 holds a carriage return \(CR\) alone, outside quotes, "
                                             r"while the file's lines end Unix \(LF\)"):
        clean_raw(_register(tmp_path, "dn.csv", data))


def test_a_carriage_return_inside_quotes_stays_in_its_cell(tmp_path):
    data = b'MST,Ten DN,Huyen,Ma nganh\n3700145020,"Cong ty\rA",Di An,6810\n'
    assert clean_raw(_register(tmp_path, "dn.csv", data)).enterprises["name"].tolist() == ["Cong ty A"]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass")),
                 st.binary(max_size=40), st.text(max_size=40).map(lambda t: UTF8_BOM + t.encode("utf-8", "surrogatepass"))))
def test_valid_utf8_found_from_its_bytes_is_what_decoding_it_finds(data):
    # plain_utf8 checks the bytes without decoding them: for any bytes it takes, decode()
    # says the same of them (encoding, evidence) and reads the text they hold.
    plain = plain_utf8(data)
    try:
        decoded = decode("f.csv", data)
    except InputFileError:
        assert plain is None
        return
    if plain is None:
        assert decoded.bad_bytes or decoded.encoding not in ("utf-8", "utf-8-sig")
        return
    found, body = plain
    assert (found.encoding, found.confidence, found.evidence) == (decoded.encoding, decoded.confidence, decoded.evidence)
    assert body.decode("utf-8") == decoded.text and not decoded.bad_bytes

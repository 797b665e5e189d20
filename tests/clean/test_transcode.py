"""A large CSV not in UTF-8, decided a block at a time: the decision the whole file's
decode reaches (encoding, confidence, evidence), for any bytes; its text written as UTF-8
is the text decode gives."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from adoption.clean import transcode as transcode_module
from adoption.clean.encoding import decode
from adoption.clean.transcode import streamed_decoding, transcode
from adoption.core.errors import InputFileError
from adoption.synth.files import to_cp1258

# Vietnamese and Western European letters, ASCII, a delimiter and line ends.
ALPHABET = "abcdeghiklmnopqrstuvxyABCDĐ0123456789 ,;\n\r\"" + "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ" \
    + "éèüöäßçñŠŽšžœŒ€ÀÉ"
# The code pages drawn more often: their verdict has the most to get right.
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32") + ("cp1258", "cp1252") * 3


def _encoded(text: str, encoding: str) -> bytes:
    if encoding == "cp1258":
        return to_cp1258(text)
    if encoding == "utf-16-be":
        return "\ufeff".encode("utf-16-be") + text.encode("utf-16-be")
    return text.encode(encoding, errors="replace")


# Words of both languages (a code page is judged by its words), and odd letters between them.
VIETNAMESE = ("Bình", "Dương", "Thủ", "Dầu", "Một", "Công", "ty", "TNHH", "Thương", "mại", "Dĩ", "An", "Thuận", "Tân",
              "Uyên", "Bến", "Cát", "Phú", "Giáo")
WESTERN = ("Société", "Générale", "Müller", "Söhne", "Straße", "Škoda", "Façade", "Œuvre", "Zürich", "Ångström")
WORDS = {"cp1258": VIETNAMESE, "cp1252": WESTERN}


@st.composite
def files(draw):
    encoding = draw(st.sampled_from(ENCODINGS))
    words = st.sampled_from(WORDS.get(encoding, VIETNAMESE + WESTERN) + (" ", ",", ";", "0", "1"))
    # Some files hold words alone (their code page read clearly), others odd letters too.
    pieces = words if draw(st.integers(0, 2)) else st.one_of(words, st.text(alphabet=ALPHABET, max_size=2))
    lines = draw(st.lists(st.lists(pieces, max_size=10).map("".join), max_size=8))
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    data = _encoded(text, encoding)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # stray bytes anywhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=2)) + data[at:]
    if draw(st.integers(0, 3)) == 0:  # noncharacters in the text: the marker is one it does not hold
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(["\ufdd0", "\ufdd0\ufdd1", "\ufdef"])).encode() + data[at:]
    return data


@pytest.mark.parametrize("runs_limit, window_bytes", [(transcode_module.RUNS_LIMIT, transcode_module.WINDOW_BYTES),
                                                      (1, 5), (transcode_module.RUNS_LIMIT, 4)])
@settings(max_examples=400, deadline=None)
@given(data=files(), block_bytes=st.integers(1, 64))
# UTF-8 with and without its mark, bytes that are not UTF-8 cut by the blocks, a noncharacter in the text.
@example(data="\ufeffMã số;Tên\r\n1;Bình \ufdd0Dương\r\n".encode().replace("ì".encode(), b"\xe1\xbb"), block_bytes=3)
@example(data="Mã số;Tên\n1;Bình Dương\n2;Thủ Dầu Một\n".encode().replace("ầ".encode(), b"\xcc"), block_bytes=5)
@example(data="Mã số;Tên\n1;Bình Dương\n2;Thủ Dầu Một\n".encode().replace("ộ".encode(), b"\xbb\xa0"), block_bytes=64)
@example(data=b"\xef\xbb\xbfB\xc3\xef\xb7\x90\xacnh\n", block_bytes=1)  # a noncharacter whose bytes are read one at a time
def test_the_decision_a_block_at_a_time_is_the_whole_files(data, block_bytes, runs_limit, window_bytes):
    """Each block's bytes that are not UTF-8 found run by run, in windows of
    ``window_bytes`` that cut characters, or (more than ``runs_limit`` runs) counted on the
    block's text: the same."""
    previous = transcode_module.RUNS_LIMIT, transcode_module.WINDOW_BYTES
    transcode_module.RUNS_LIMIT, transcode_module.WINDOW_BYTES = runs_limit, window_bytes
    try:
        _decide_and_write(data, block_bytes)
    finally:
        transcode_module.RUNS_LIMIT, transcode_module.WINDOW_BYTES = previous


def _decide_and_write(data: bytes, block_bytes: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path, target = Path(folder) / "f.csv", Path(folder) / "utf8.csv"
        path.write_bytes(data)
        try:
            whole, refused = decode(path, data), None
        except InputFileError as error:
            whole, refused = None, error
        try:
            streamed = streamed_decoding(path, block_bytes)
        except InputFileError as error:  # no encoding reads it: refused as the whole read refuses it
            assert refused is not None and str(error) == str(refused)
            event("no encoding reads it")
            return
        if streamed is None:  # left to the whole read: UTF-8, or a file holding every marker
            assert whole is None or (whole.encoding in ("utf-8", "utf-8-sig") and not whole.bad_bytes)
            return
        found: list[int] = []
        written = transcode(path, target, streamed.encoding, block_bytes, marker=streamed.marker, found=found)
        assert written == (whole is not None and _transcodable(whole.text))
        event(f"{streamed.encoding}{', stray bytes' if streamed.marker else ''}, {'written' if written else 'not written'}")
        if whole is None:  # decided by the mark; a byte that does not decode fails the writing
            assert streamed.encoding in ("utf-16", "utf-32")
            return
        assert (streamed.encoding, streamed.confidence, streamed.evidence) == (whole.encoding, whole.confidence, whole.evidence)
        assert streamed.marker == whole.marker and streamed.bad_bytes == ()
        if written:  # each byte that is not UTF-8 marked as the whole read marks it, and found in order
            assert target.read_bytes().decode("utf-8") == whole.text
            assert tuple(found) == whole.bad_bytes


def _transcodable(text: str) -> bool:
    """What transcode writes: text with a line feed, not starting with another mark."""
    return "\n" in text and not text.startswith("\ufeff")

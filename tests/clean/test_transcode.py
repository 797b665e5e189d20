"""A large CSV not in UTF-8, decided a block at a time: the decision the whole file's
decode reaches (encoding, confidence, evidence), for any bytes; its text written as UTF-8
is the text decode gives."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import event, given, settings
from hypothesis import strategies as st

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
    return data


@settings(max_examples=400, deadline=None)
@given(files(), st.integers(1, 64))
def test_the_decision_a_block_at_a_time_is_the_whole_files(data, block_bytes):
    with tempfile.TemporaryDirectory() as folder:
        path, target = Path(folder) / "f.csv", Path(folder) / "utf8.csv"
        path.write_bytes(data)
        try:
            whole = decode(path, data)
        except InputFileError:
            whole = None
        streamed = streamed_decoding(path, block_bytes)
        if streamed is None:  # left to the whole read: UTF-8, or a file no encoding reads
            assert whole is None or whole.encoding in ("utf-8", "utf-8-sig")
            return
        written = transcode(path, target, streamed.encoding, block_bytes)
        assert written == (whole is not None and _transcodable(whole.text))
        event(f"{streamed.encoding}, {'written' if written else 'not written'}")
        if whole is None:  # decided by the mark; a byte that does not decode fails the writing
            assert streamed.encoding in ("utf-16", "utf-32")
            return
        assert (streamed.encoding, streamed.confidence, streamed.evidence) == (whole.encoding, whole.confidence, whole.evidence)
        if written:
            assert target.read_bytes().decode("utf-8") == whole.text


def _transcodable(text: str) -> bool:
    """What transcode writes: text with a line feed, not starting with another mark."""
    return "\n" in text and not text.startswith("\ufeff")

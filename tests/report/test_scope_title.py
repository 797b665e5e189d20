"""Report titles name the area the clean data were made for (quality.json "scope")."""

from types import SimpleNamespace

from adoption.report.page import title


def _data(scope: dict | None):
    return SimpleNamespace(quality={} if scope is None else {"scope": scope})


def test_binh_duong_data_read_exactly_as_before():
    for lang in ("vi", "en"):
        before = title(lang).data
        assert title(lang, data=_data({"code": "74", "name": "Tỉnh Bình Dương", "provinces": ["74"]})).data == before
        assert title(lang, data=_data(None)).data == before
        assert title(lang, map_="2025", data=_data(None)).data == title(lang, map_="2025").data


def test_a_province_scope_is_named_in_the_title_and_banner():
    html = title("en", data=_data({"code": "01", "name": "Thành phố Hà Nội", "provinces": ["01"]})).data
    assert "<h1>Enterprise digital adoption in Thành phố Hà Nội: overview</h1>" in html
    assert "<strong>Thành phố Hà Nội</strong>" in html
    assert "Bình Dương province" not in html
    assert "by province" in html


def test_the_national_scope_is_named_in_either_language():
    scope = {"code": "national", "name": "Cả nước (63 tỉnh, thành phố)", "provinces": []}
    assert "Viet Nam (63 provinces)" in title("en", data=_data(scope)).data
    vi = title("vi", data=_data(scope)).data
    assert "Cả nước (63 tỉnh, thành phố)" in vi and "tỉnh Bình Dương:" not in vi
    # A title that names no area keeps its words.
    assert "<h1>Enterprise digital intensity (Eurostat DII)</h1>" in title(
        "en", report="intensity_title", scope="intensity_scope", data=_data(scope)).data

"""Hostile values in the cells of otherwise valid files: each is kept, or counted with its
reason, never lost or changed without a trace. Every file is written here, value by value."""

import pandas as pd
from stdnum.vn import mst

from adoption.clean import clean_raw

REGISTER_HEADER = "Mã số thuế,Tên doanh nghiệp,Huyện,Ngành nghề kinh doanh chính"


def tax_codes(count: int, start: int = 370014500) -> list[str]:
    """``count`` distinct tax codes with a valid check digit (python-stdnum's rule)."""
    bodies = (f"{n:09d}" for n in range(start, start + 10 * count))
    return [body + mst.calc_check_digit(body) for body in bodies if mst.is_valid(body + mst.calc_check_digit(body))][:count]


def write_register(raw, names: list[str]) -> list[str]:
    (raw / "register").mkdir(parents=True, exist_ok=True)
    codes = tax_codes(len(names))
    lines = [REGISTER_HEADER] + [f'{code},"{name}",Dĩ An,4711' for code, name in zip(codes, names)]
    (raw / "register" / "names.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return codes


def test_markup_like_names_are_names_and_empty_ones_are_refused(tmp_path):
    valid = ["<b>", "<!-- x", "<script>alert(1)</script>", "&amp; Co", "N/A Trading", "x-Ray Ltd", "١٢٣"]
    empty = ["", "x", "N/A", " - ", "\u200b\u200b", "<>", "—", "..."]
    codes = write_register(tmp_path, valid + empty)
    result = clean_raw(tmp_path)
    kept = result.enterprises.set_index("tax_code")["name"]
    assert kept.to_dict() == dict(zip(codes, valid))
    rejects = result.rejects.set_index("source_row")
    assert len(rejects) == len(empty)
    assert (rejects["reason_code"] == "name_missing").all()
    assert rejects.loc[len(valid) + 2, "reason"] == "the enterprise name is empty"
    assert rejects.loc[len(valid) + 7, "reason"] == "the enterprise name '<>' holds no letter or digit"

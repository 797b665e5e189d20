"""The national-scale benchmark's parse, run again when the machine killed its process."""

from concurrent.futures.process import BrokenProcessPool

import pytest

from adoption.bench import data, scale


def test_a_parse_killed_once_is_run_again_and_twice_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "register").mkdir()
    (tmp_path / "register" / "a.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    calls = []

    def measure(stage, raw, *args, **kwargs):
        calls.append(stage)
        if len(calls) <= failures:
            raise BrokenProcessPool("killed")
        return data.Measure(1.0, 1, 1.0, 1.0, {})

    monkeypatch.setattr(data, "measure", measure)
    monkeypatch.setattr(scale.time, "sleep", lambda seconds: None)
    failures = 1
    assert scale._parse(tmp_path).rows == 1 and calls == ["pyarrow", "pyarrow"]
    calls.clear()
    failures = 2
    with pytest.raises(BrokenProcessPool):
        scale._parse(tmp_path)
    assert calls == ["pyarrow", "pyarrow"]

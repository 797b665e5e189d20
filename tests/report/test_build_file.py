"""The build file: the reports, their notebooks and grids, as written in TOML."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from adoption.core import config
from adoption.core.errors import ParameterError
from adoption.report import build as report_build
from adoption.report.catalogue import default_catalogue, load_catalogue

ADOPTION = str(Path(sys.executable).parent / "adoption")


def test_the_default_build_file_lists_every_report_in_both_languages():
    specs = default_catalogue()
    assert [s.name for s in specs][:4] == ["adoption-overview", "digital-intensity", "ict-sector", "workforce-training"]
    # The overview on both maps; the others on the 2023 map (their default).
    assert specs[0].grid == tuple({"map": m, "lang": lang} for m in ("2023", "2025") for lang in ("vi", "en"))
    for spec in specs[1:4]:
        assert spec.grid == ({"lang": "vi"}, {"lang": "en"})
    for spec in specs:
        assert (config.NOTEBOOKS_DIR / spec.notebook).is_file()


def _exploration(folder: Path) -> None:
    """A researcher's notebook with a tagged parameters cell."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('lang = "vi"  # vi or en\nyear = 2023  # the year to show\nprocessed_dir = None',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import adoption as ad\ndata = ad.load_clean(processed_dir)\n"
                                  "print(lang, year, len(ad.in_scope(data.enterprises)))"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, folder / "explore.ipynb")


def test_an_exploration_notebook_becomes_a_scheduled_report_with_one_block(small_processed, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _exploration(notebooks)
    (notebooks / "reports.toml").write_text(
        '[[report]]\nname = "explore"\nnotebook = "explore.ipynb"\n'
        'title_vi = "Khám phá"\ntitle_en = "Exploration"\nkind = "benchmark"\n'
        'grid = { year = [2022, 2023], lang = ["vi", "en"] }\n', encoding="utf-8")
    spec, = load_catalogue(notebooks / "reports.toml")
    # Expanded as written: the last parameter varies fastest.
    assert spec.grid == ({"year": 2022, "lang": "vi"}, {"year": 2022, "lang": "en"},
                         {"year": 2023, "lang": "vi"}, {"year": 2023, "lang": "en"})
    result = report_build.build(processed_dir=small_processed, reports_dir=tmp_path / "reports", notebooks_dir=notebooks)
    # File names give the parameter values in the order of their names (lang, then year).
    assert [r.html.name for r in result.reports] == ["explore.vi.2022.html", "explore.en.2022.html",
                                                     "explore.vi.2023.html", "explore.en.2023.html"]
    assert all(r.ok for r in result.reports)
    index = result.index.read_text(encoding="utf-8")
    assert "So sánh với các tỉnh / The province among the 63" in index and ">Exploration<" in index
    record = json.loads((tmp_path / "reports" / "explore.en.2023.json").read_text(encoding="utf-8"))
    assert record["params"] == {"year": 2023, "lang": "en"}

    # The command line finds it through the project folder: params, then a build of it alone.
    env = {**os.environ, "ADOPTION_ROOT": str(tmp_path)}
    shown = subprocess.run([ADOPTION, "params", "explore"], capture_output=True, text=True, env=env, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "the year to show" in shown.stdout and "year" in shown.stdout


@pytest.mark.parametrize("block, message", [
    ('name = "x"\nnotebook = "explore.ipynb"\ntitle = "report_title"\ngird = { lang = ["vi"] }', "unknown key(s) gird"),
    ('name = "x"\nnotebook = "missing.ipynb"\ntitle = "report_title"', "notebook 'missing.ipynb' is not a file"),
    ('name = "x"\nnotebook = "explore.ipynb"\ntitle = "no_such_text"', "title 'no_such_text' is no key"),
    ('name = "x"\nnotebook = "explore.ipynb"\ntitle_vi = "X"', "give both title_vi and title_en"),
    ('name = "x"\nnotebook = "explore.ipynb"\ntitle = "report_title"\ngrid = { lang = "vi" }', "'grid' maps each parameter"),
    ('name = "x"\nnotebook = "explore.ipynb"\ntitle = "report_title"\nneeds = ["census"]', "'needs' lists inputs among"),
    ('name = "x"\nnotebook = "explore.ipynb"\ntitle = "report_title"\nkind = "city"', "kind 'city' is not one of"),
])
def test_mistakes_in_the_build_file_are_named(tmp_path, block, message):
    _exploration(tmp_path)
    (tmp_path / "reports.toml").write_text(f"[[report]]\n{block}\n", encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_catalogue(tmp_path / "reports.toml")
    assert message in str(caught.value) and "reports.toml, report 1 ('x')" in str(caught.value)


def test_a_duplicate_name_or_broken_toml_is_named(tmp_path):
    _exploration(tmp_path)
    one = '[[report]]\nname = "x"\nnotebook = "explore.ipynb"\ntitle = "report_title"\n'
    (tmp_path / "reports.toml").write_text(one + one, encoding="utf-8")
    with pytest.raises(ParameterError, match=r"report 2 \('x'\): 'name' must be a name no other report has"):
        load_catalogue(tmp_path / "reports.toml")
    (tmp_path / "reports.toml").write_text(one + "grid = {", encoding="utf-8")
    with pytest.raises(ParameterError, match="reports.toml: not valid TOML"):
        load_catalogue(tmp_path / "reports.toml")

"""`adoption report` on a series of extracts, as a scheduled build runs it: the first run
cleans and builds every extract, the next ones have nothing to do and say so from hashes
and records alone (no kernel, no pandas), until one extract's clean data, a report or an
index is changed or missing.

A project folder of its own (``ADOPTION_ROOT``) holds a small synthetic series (3,000
firms, three extracts) and a build file of two reports: the ICT report, built for each
extract, and the trend report across them, so that the whole build stays short.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adoption.report.uptodate import current_grid

pytestmark = pytest.mark.slow

ADOPTION = str(Path(sys.executable).parent / "adoption")
NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
DATES = ("2023-09-30", "2024-12-31", "2025-12-31")
BUILD_FILE = """\
[[report]]
name = "ict-sector"
notebook = "03-ict-sector.ipynb"
title = "ict_title"
grid = { lang = ["vi", "en"] }

[[report]]
name = "trend"
notebook = "07-trend.ipynb"
title = "trend_title"
kind = "series"
needs = ["series"]
grid = { map = ["2023", "2025"], lang = ["vi", "en"] }
"""
# What the build file above makes of three extracts: 3 x 2 ICT reports, 4 trend reports.
REPORTS = sorted([f"{day}/ict-sector.{lang}.html" for day in DATES for lang in ("en", "vi")]
                 + [f"trend.{lang}.{m}.html" for lang in ("en", "vi") for m in ("2023", "2025")])
NOTHING_TO_DO = f"all {len(REPORTS)} reports are up to date"
# Runs `adoption` in this process's interpreter and says which heavy modules it imported.
PROBE = ("import sys\nfrom adoption.cli import run\nsys.argv = ['adoption', *sys.argv[1:]]\n"
         "try:\n    run()\nfinally:\n"
         "    print('heavy:', sorted(m for m in ('pandas', 'papermill', 'nbconvert', 'jupyter_client') if m in sys.modules),"
         " file=sys.stderr)\n")


def adoption(project: Path, *args: str, probe: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", PROBE, *args] if probe else [ADOPTION, *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "ADOPTION_ROOT": str(project)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The project folder, its series written, cleaned and built by `adoption report`."""
    root = tmp_path_factory.mktemp("project")
    (root / "notebooks").mkdir()
    for name in ("03-ict-sector.ipynb", "07-trend.ipynb"):
        shutil.copy(NOTEBOOKS / name, root / "notebooks" / name)
    (root / "notebooks" / "reports.toml").write_text(BUILD_FILE, encoding="utf-8")
    adoption(root, "synth", "--series", "--firms", "3000")
    first = adoption(root, "report")
    assert first.stdout.strip().splitlines()[-1] == str(root / "reports" / "index.html")
    return root


def grid(project: Path):
    return current_grid(processed_dir=project / "data" / "processed", reports_dir=project / "reports",
                        notebooks_dir=project / "notebooks")


def test_the_series_is_built_and_a_second_run_has_nothing_to_do(project):
    reports = project / "reports"
    assert sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.html") if p.name != "index.html") == REPORTS
    assert all((reports / day / "index.html").is_file() for day in DATES)
    again = adoption(project, "report", probe=True)
    assert NOTHING_TO_DO in " ".join(again.stderr.split())
    assert "heavy: []" in again.stderr and "building" not in again.stderr
    assert again.stdout.strip().splitlines()[-1] == str(reports / "index.html")
    found = grid(project)
    assert found.index == reports / "index.html"
    assert sorted(r.html.relative_to(reports).as_posix() for r in found.reports) == REPORTS
    assert all(r.ok and r.skipped for r in found.reports)


def test_one_extract_whose_clean_data_changed_is_cleaned_again_and_the_build_runs(project):
    rejects = project / "data" / "processed" / "2024-12-31" / "rejects.csv"
    rejects.write_bytes(rejects.read_bytes() + b"x\n")
    assert grid(project) is None
    done = adoption(project, "report")
    log, out = " ".join(done.stderr.split()), "".join(done.stdout.split())
    assert NOTHING_TO_DO not in log and f"building 0 of {len(REPORTS)} reports" in log  # the full build: nothing to rebuild
    assert out.count("cleandatain") == 1 and "processed/2024-12-31" in out  # the other extracts were current
    assert NOTHING_TO_DO in " ".join(adoption(project, "report").stderr.split())


def test_a_deleted_trend_report_is_built_again(project):
    (project / "reports" / "trend.en.2023.html").unlink()
    assert grid(project) is None
    log = " ".join(adoption(project, "report").stderr.split())
    assert NOTHING_TO_DO not in log and f"building 1 of {len(REPORTS)} reports" in log and "wrote trend.en.2023.html" in log
    assert grid(project) is not None


@pytest.mark.parametrize("index", ["index.html", "2025-12-31/index.html"])
def test_a_missing_index_needs_the_build(project, index):
    path = project / "reports" / index
    kept = path.read_bytes()
    path.unlink()
    assert grid(project) is None
    path.write_bytes(kept)
    assert grid(project) is not None


def test_an_index_older_than_a_report_needs_the_build(project):
    """A report rebuilt after its index was written (a build stopped before the index):
    the index does not show it as it is."""
    record = project / "reports" / "2024-12-31" / "ict-sector.vi.json"
    index = project / "reports" / "2024-12-31" / "index.html"
    before = record.stat()
    os.utime(record, ns=(before.st_atime_ns, index.stat().st_mtime_ns + 10**9))
    assert grid(project) is None
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert grid(project) is not None


def test_a_changed_table_of_one_extract_needs_the_build(project):
    table = project / "data" / "processed" / "2025-12-31" / "enterprises.parquet"
    kept = table.read_bytes()
    table.write_bytes(kept[:-1] + bytes([kept[-1] ^ 1]))
    assert grid(project) is None
    table.write_bytes(kept)
    assert grid(project) is not None

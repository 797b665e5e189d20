"""The library stands alone: a wheel built from the checkout, installed into a new virtual
environment, cleans a raw folder and builds the reports from an unrelated working folder.

The new environment gets the package only from the wheel; its third-party dependencies
are borrowed from the test environment (a path entry, no download), so that the test
runs offline and quickly. The checkout is nowhere on its path.
"""

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def _run(args, **kwargs):
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=900, **kwargs)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy of the files git sees (no stale build/ folder, no local data).
    source = tmp_path_factory.mktemp("source")
    listed = _run(["git", "-C", ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z"]).stdout
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", dist, source])
    [built] = dist.glob("adoption-*.whl")
    return built


def test_wheel_carries_reference_data_notebooks_templates_and_text(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("adoption/core/reference_data/binhduong_admin_units_gso_20250301.csv",
                     "adoption/core/reference_data/SOURCES.md", "adoption/report/text.toml",
                     "adoption/report/templates/index.html.j2", "adoption/report/templates/adoption/index.html.j2",
                     "adoption/report/notebooks/01-adoption-overview.ipynb",
                     "adoption/report/notebooks/04-workforce-training.ipynb"):
        assert expected in names, expected
    assert not any(name.startswith(("data/", "tests/")) for name in names)


def test_installed_wheel_cleans_and_builds_from_any_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    # Third-party packages from the test environment, and nbconvert's templates (data files
    # of a borrowed package); not the checkout's src/, nor the test environment's kernels.
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    (venv / "share" / "jupyter").mkdir(parents=True)
    (venv / "share" / "jupyter" / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps", "--quiet", wheel])
    work = tmp_path / "elsewhere"
    work.mkdir()
    python = venv / "bin" / "python"
    where = _run([python, "-c", "import adoption, adoption.core.config as c; print(adoption.__file__); print(c.NOTEBOOKS_DIR)"],
                 cwd=work).stdout.split()
    assert all(str(venv) in line for line in where), where
    adoption = venv / "bin" / "adoption"
    _run([adoption, "synth", "--raw", "raw", "--firms", "1500"], cwd=work)
    _run([adoption, "clean", "--raw", "raw", "--out", "processed"], cwd=work)
    # One report (in both languages: tables, a chart, the survey) keeps the test short;
    # every notebook is in the wheel (test above) and the full grid is built elsewhere.
    built = _run([adoption, "build", "--processed", "processed", "--reports", "reports", "--jobs", "2",
                  "--only", "digital-intensity"], cwd=work)
    assert built.stdout.strip().splitlines()[-1] == str(work / "reports" / "index.html")
    pages = sorted(p.name for p in (work / "reports").glob("*.html"))
    assert pages == ["digital-intensity.en.html", "digital-intensity.vi.html", "index.html"]
    quality = json.loads((work / "processed" / "quality.json").read_text(encoding="utf-8"))
    assert quality["synthetic"] and quality["totals"]["enterprises"] > 1_500
    page = (work / "reports" / "digital-intensity.vi.html").read_text(encoding="utf-8")
    assert "DỮ LIỆU TỔNG HỢP" in page and "data:image/png;base64," in page

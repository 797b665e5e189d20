"""The direction of the pipeline is a rule: import-linter's contracts, and what a stage loads."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=cwd,
                          env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(pythonpath)},
                          capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept():
    done = _lint(ROOT, ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("clean/register.py", "from ..synth import targets", "The pipeline runs one way"),
    ("core/schema.py", "from ..metrics import disclosure", "The pipeline runs one way"),
    ("metrics/adoption.py", "import matplotlib", "Cleaning and the core load no reporting stack"),
    ("synth/mess.py", "def _later():\n    from ..clean import places", "The pipeline runs one way"),
])
def test_a_wrong_way_import_breaks_the_contract(tmp_path, module, line, contract):
    copy = tmp_path / "src" / "adoption"
    shutil.copytree(ROOT / "src" / "adoption", copy, ignore=shutil.ignore_patterns("__pycache__", "*.csv", "*.ipynb"))
    target = copy / module
    target.write_text(line + "\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    done = _lint(tmp_path, tmp_path / "src")
    assert done.returncode != 0
    assert f"{contract}" in done.stdout and "BROKEN" in done.stdout


def test_importing_the_cleaner_loads_no_reporting_stack():
    code = ("import sys, adoption.clean, adoption.synth, adoption.metrics.adoption; "
            "print(sorted(m for m in ('matplotlib', 'jinja2', 'nbconvert', 'IPython', 'papermill') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_public_api_loads_on_first_use():
    code = ("import sys, adoption as ad; before = 'matplotlib' in sys.modules; ad.plot_adoption_by; "
            "print(before, 'matplotlib' in sys.modules, callable(ad.headline), ad.intensity.__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True", "True", "adoption.metrics.intensity"]


def test_no_import_hidden_in_a_string():
    # import-linter sees import statements, not importlib calls: only the public API of
    # adoption/__init__.py and the lazy adoption/clean/__init__.py load modules by name.
    package = ROOT / "src" / "adoption"
    users = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                   if "import_module" in p.read_text(encoding="utf-8") or "__import__" in p.read_text(encoding="utf-8"))
    assert users == ["__init__.py", "clean/__init__.py"]

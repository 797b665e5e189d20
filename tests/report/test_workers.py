"""The report grid on a Dask cluster (`adoption build --scheduler`): a real local cluster of
two worker processes runs a few reports of the small register through papermill, and
they come out as the local build's, with a failing notebook recorded as failed."""

import dataclasses
import json
import pickle
import re
import shutil
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from adoption.core import cluster as core_cluster
from adoption.core import config
from adoption.core.errors import ClusterError
from adoption.core.version import __version__, code_hash
from adoption.report import catalogue, workers
from adoption.report.build import build
from adoption.report.record import BuiltReport
from htmltables import tables

NAMES = ("ict-sector", "province-benchmark")  # cheap reports, each in both languages
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)?")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """The catalogue's cheap reports and a notebook that raises, in a notebooks folder of their own."""
    notebooks = tmp_path_factory.mktemp("cluster_notebooks")
    specs = tuple(catalogue.find_spec(name) for name in NAMES)
    for spec in specs:
        (notebooks / spec.notebook).write_bytes((config.NOTEBOOKS_DIR / spec.notebook).read_bytes())
    broken = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('lang = "vi"\nprocessed_dir = None', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('raise RuntimeError("kernel died")'),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(broken, notebooks / "broken.ipynb")
    return (catalogue.ReportSpec("broken", "broken.ipynb", "report_title", ({"lang": "vi"},)),) + specs, notebooks


@pytest.fixture(scope="module")
def on_cluster(dask_cluster, grid, small_processed, tmp_path_factory):
    specs, notebooks = grid
    return build(processed_dir=small_processed, reports_dir=tmp_path_factory.mktemp("cluster_reports"), catalogue=specs,
                 notebooks_dir=notebooks, scheduler=dask_cluster.scheduler_address)


def _written(reports: Path) -> set[str]:
    return {p.name for p in reports.glob("*.html") if p.name.startswith(NAMES)}


class _Text(HTMLParser):
    """The text a reader sees (no style, no script), for the numbers it shows."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _figures(html: str) -> tuple[list, list[str]]:
    """The report's tables and every number of its text, the build's timestamps left out."""
    parser = _Text()
    parser.feed(html)
    numbers = re.findall(r"\d[\d.,]*", STAMP.sub("", " ".join(parser.parts)))
    return [[[STAMP.sub("", cell) for cell in row] for row in table] for table in tables(html)], numbers


def test_the_cluster_writes_the_files_a_local_build_writes(on_cluster, built):
    reports = on_cluster.index.parent
    assert _written(reports) == _written(built.index.parent) and len(_written(reports)) == 4
    for name in _written(reports):
        assert (reports / name).with_suffix(".json").is_file()
        assert (reports / "notebooks" / name).with_suffix(".ipynb").is_file()
    assert not list(reports.glob(f"{workers.MARKER}*"))  # the shared-folder check leaves nothing behind


def test_the_cluster_shows_the_figures_a_local_build_shows(on_cluster, built):
    for name in _written(on_cluster.index.parent):
        here = (built.index.parent / name).read_text(encoding="utf-8")
        there = (on_cluster.index.parent / name).read_text(encoding="utf-8")
        tables_here, numbers_here = _figures(here)
        assert tables_here and numbers_here
        assert _figures(there) == (tables_here, numbers_here), name


def test_a_notebook_that_raises_is_a_failed_report_and_the_others_are_written(on_cluster):
    outcome = {(r.spec.name, r.params.get("lang")): r for r in on_cluster.reports}
    assert len(outcome) == 5 and [r.spec.name for r in on_cluster.failed] == ["broken"]
    broken = outcome["broken", "vi"]
    assert broken.error.startswith("RuntimeError: kernel died (notebook cell") and not broken.fault
    reports = on_cluster.index.parent
    assert broken.notebook == reports / "notebooks" / "broken.vi.ipynb" and broken.notebook.is_file()
    assert json.loads((reports / "broken.vi.json").read_text(encoding="utf-8"))["status"] == "failed"
    assert not (reports / "broken.vi.html").exists()
    assert all(r.ok and r.html.is_file() and r.seconds > 0 for r in on_cluster.reports if r.spec.name != "broken")


def test_the_index_lists_every_report(on_cluster):
    index = on_cluster.index.read_text(encoding="utf-8")
    for name in _written(on_cluster.index.parent):
        assert f'href="{name}"' in index
    assert "kernel died" in index and 'href="notebooks/broken.vi.ipynb"' in index


def test_reports_built_on_the_cluster_are_up_to_date_for_a_build_here(on_cluster, grid, small_processed, tmp_path):
    # The workers' provenance records carry the fingerprints this machine computes: with
    # nothing to run, no client is even opened (the address would be refused).
    specs, notebooks = grid
    shutil.copytree(on_cluster.index.parent, tmp_path / "reports")
    again = build(processed_dir=small_processed, reports_dir=tmp_path / "reports", catalogue=specs,
                  notebooks_dir=notebooks, only=list(NAMES), scheduler=f"tcp://127.0.0.1:{free_port()}")
    mine = [r for r in again.reports if r.spec.name in NAMES]
    assert len(mine) == 4 and all(r.skipped for r in mine)


def test_an_unreachable_scheduler_is_a_clear_error_quickly(small_processed, tmp_path, monkeypatch):
    monkeypatch.setattr(core_cluster, "CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(ClusterError, match=re.escape(f"--scheduler {address}: no Dask scheduler answered within 1 s")):
        build(processed_dir=small_processed, reports_dir=tmp_path, only=["ict-sector"], scheduler=address)
    assert time.monotonic() - started < 15
    assert not list(tmp_path.glob("*.html"))


def test_workers_that_do_not_see_the_processed_folder_are_named(dask_cluster, grid, tmp_path):
    specs, notebooks = grid
    job = workers.Job(specs[1], {"lang": "vi"}, {"lang": "vi"}, tmp_path / "elsewhere", tmp_path, notebooks)
    with pytest.raises(ClusterError, match=r"worker tcp://127\.0\.0\.1:\d+: no processed folder .*elsewhere"):
        workers.run_on_cluster(dask_cluster.scheduler_address, [job], reports_dir=tmp_path, checked="{}",
                               finish=lambda number, built: None)


def test_a_worker_names_what_it_does_not_share(grid, tmp_path):
    specs, notebooks = grid
    setup = workers.Setup(__version__, code_hash(), notebooks, {"broken.ipynb": "0" * 64}, (tmp_path,),
                          tmp_path / "marker", "token")
    assert workers.setup_problems(setup) == [
        f"the notebook {notebooks / 'broken.ipynb'} differs from the build's",
        f"the reports folder {tmp_path} is not the build's (not a shared folder)",
    ]
    assert workers.setup_problems(dataclasses.replace(setup, version="0.0.1", notebooks={}, marker=None)) == [
        f"adoption {__version__} is installed, the build's is 0.0.1"]
    assert workers.setup_problems(dataclasses.replace(setup, code="other", notebooks={}, marker=None)) == [
        f"adoption {__version__}'s code differs from the build's (another commit or local changes)"]


def test_what_crosses_the_wire_pickles(on_cluster, grid, small_processed):
    specs, notebooks = grid
    job = workers.Job(specs[1], {"lang": "en"}, {"lang": "en"}, small_processed, on_cluster.index.parent, notebooks)
    assert pickle.loads(pickle.dumps(job)) == job
    for built in on_cluster.reports:
        assert isinstance(pickle.loads(pickle.dumps(built)), BuiltReport)


def test_a_build_without_a_scheduler_loads_no_dask():
    code = ("import sys, adoption, adoption.cli, adoption.report.build, adoption.report.kernels\n"
            "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

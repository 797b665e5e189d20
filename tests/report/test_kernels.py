"""The build's kernels: one per report, started ahead, with pandas and matplotlib already
imported, and still a fresh namespace for every report; a failing report in the middle
of a worker's run reports its own error and the reports after it are built."""

import nbformat
from jupyter_client.utils import run_sync

from adoption.core.io import CHECKED_TABLES_ENV, checked_tables
from adoption.report import build as report_build
from adoption.report import catalogue, kernels

KERNELSPEC = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def _notebook(folder, name, *cells):
    """A report notebook taking the build's parameters, then ``cells``."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('lang = "vi"\nprocessed_dir = None', metadata={"tags": ["parameters"]}),
        *(nbformat.v4.new_code_cell(code) for code in cells),
    ], metadata=KERNELSPEC)
    nbformat.write(nb, folder / f"{name}.ipynb")
    return catalogue.ReportSpec(name, f"{name}.ipynb", "report_title", ({"lang": "vi"},))


def test_each_report_starts_from_a_fresh_namespace_in_a_warm_kernel(small_processed, tmp_path):
    # One worker runs the three in turn, each kernel launched while the one before ran.
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    specs = (
        _notebook(notebooks, "a-sets", "left_behind = 42\nimport json"),
        _notebook(notebooks, "b-checks",
                  "import sys\nassert {'pandas', 'matplotlib.pyplot'} <= set(sys.modules), 'not pre-imported'",
                  "assert 'left_behind' not in globals() and 'json' not in globals(), 'state of the report before'",
                  "assert 'pandas' not in globals() and 'matplotlib' not in globals(), 'pre-import bound a name'",
                  "import os\nassert os.environ.get('%s'), 'no record of the checked tables'" % CHECKED_TABLES_ENV),
        _notebook(notebooks, "c-chart", "import matplotlib.pyplot as plt\nplt.plot([1, 2]);"),
    )
    result = report_build.build(processed_dir=small_processed, reports_dir=tmp_path / "reports", catalogue=specs,
                                notebooks_dir=notebooks, jobs_limit=1)
    assert all(r.ok for r in result.reports), [r.error for r in result.reports]
    chart = nbformat.read(tmp_path / "reports" / "notebooks" / "c-chart.vi.ipynb", as_version=4)
    assert any("image/png" in o.get("data", {}) for c in chart.cells for o in c.get("outputs", []))


def test_a_failing_report_in_a_warm_worker_reports_its_error_and_the_next_is_built(small_processed, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    specs = (
        _notebook(notebooks, "first", "x = 1"),
        _notebook(notebooks, "broken", "x = 1", 'raise ValueError("bad data in the middle")'),
        _notebook(notebooks, "after", "assert 'x' not in globals()"),
    )
    result = report_build.build(processed_dir=small_processed, reports_dir=tmp_path / "reports", catalogue=specs,
                                notebooks_dir=notebooks, jobs_limit=1)
    outcome = {r.spec.name: r for r in result.reports}
    assert outcome["broken"].error == "ValueError: bad data in the middle (notebook cell 4)"  # after the injected parameters
    assert outcome["first"].ok and outcome["after"].ok and (tmp_path / "reports" / "after.vi.html").is_file()


def test_a_kernel_that_cannot_start_fails_its_report_only():
    # run_all hands the launch error to its job and goes on with the others.
    seen = {}

    def launch(job):
        if job == 1:
            raise RuntimeError("no such kernel")
        return kernels.start_kernel(catalogue.notebook_path(catalogue.find_spec("ict-sector")).parent)

    def run(job, kernel):
        seen[job] = str(kernel) if isinstance(kernel, Exception) else run_sync(kernel.is_alive)()

    kernels.run_all(3, 2, launch, run)
    assert seen == {0: True, 1: "no such kernel", 2: True}


def test_tables_checked_once_are_not_checked_again(small_processed, monkeypatch):
    from adoption.core import io, schema

    io.load_clean(small_processed)
    assert "enterprises" in checked_tables().values()
    calls = []
    monkeypatch.setattr(schema, "validate", lambda frame, table: calls.append(table) or frame)
    again = io.load_clean(small_processed)
    assert calls == [] and len(again.enterprises) > 0
    assert again.enterprises["ownership"].cat.categories.tolist() == list(schema.OWNERSHIPS)


def test_run_report_alone_starts_and_stops_its_own_kernel(small_processed, tmp_path):
    from adoption.report.execute import run_report

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    spec = _notebook(notebooks, "alone", "x = 1")
    built = run_report(spec, {"lang": "vi"}, processed_dir=small_processed, reports_dir=tmp_path / "reports",
                       notebooks_dir=notebooks)
    assert built.ok and built.html.is_file()


def test_a_kernel_that_dies_as_it_starts_is_replaced(small_processed, tmp_path, caplog):
    """A report whose kernel died before it answered (two kernels given the same port at
    once on a busy machine) runs in a new kernel: nothing of it had run."""
    import os
    import signal
    import time

    from adoption.report.execute import run_report

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    spec = _notebook(notebooks, "plain", "x = 1")
    dead = kernels.start_kernel(notebooks)
    os.kill(dead.provisioner.pid, signal.SIGKILL)
    time.sleep(0.5)
    built = run_report(spec, {"lang": "vi"}, processed_dir=small_processed, reports_dir=tmp_path / "reports",
                       notebooks_dir=notebooks, kernel=dead)
    assert built.ok and (tmp_path / "reports" / "plain.vi.html").is_file()
    assert "its kernel died as it started" in caplog.text
    run_sync(dead.shutdown_kernel)(now=True)

"""The build's kernels: one per report, started ahead, with pandas and matplotlib already
imported, and still a fresh namespace for every report; a failing report in the middle
of a worker's run reports its own error and the reports after it are built."""

import contextlib

import nbformat
import pytest
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


def test_a_kernel_that_never_answers_is_killed_and_replaced(small_processed, tmp_path, caplog, monkeypatch):
    """A report whose kernel is alive but never answers its first request (stopped here,
    as a kernel hung at its start) waits a bounded time, then runs in a new kernel; the
    hung kernel's process is killed, not left behind."""
    import os
    import signal

    from adoption.report import execute

    monkeypatch.setattr(execute, "READY_SECONDS", 8)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    spec = _notebook(notebooks, "plain", "x = 1")
    hung = kernels.start_kernel(notebooks)
    pid = hung.provisioner.pid
    os.kill(pid, signal.SIGSTOP)
    built = execute.run_report(spec, {"lang": "vi"}, processed_dir=small_processed, reports_dir=tmp_path / "reports",
                               notebooks_dir=notebooks, kernel=hung)
    assert built.ok and (tmp_path / "reports" / "plain.vi.html").is_file()
    assert "its kernel did not answer in 8 s; running it in a new kernel" in caplog.text
    assert kernels.KERNEL_NOT_STARTED not in caplog.text  # nbclient's error, which the warning replaces
    with pytest.raises(ProcessLookupError):  # killed, and its exit collected
        os.kill(pid, 0)


def test_what_a_kernel_process_writes_stays_out_of_the_terminal_and_names_why_it_died(small_processed, tmp_path,
                                                                                        capfd, caplog):
    """ipykernel and tornado write to the kernel's own stderr (tracebacks when a kernel is
    shut down mid-flush); that is not the user's news. When a kernel dies, though, its
    last words are what tells why: the report's error carries them."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    speak = 'import sys\nsys.__stderr__.write("%s\\n")\nsys.__stderr__.flush()'
    specs = (
        _notebook(notebooks, "talks", speak % "a-kernel-talking-to-itself"),
        _notebook(notebooks, "dies", speak % "fatal: a C library ran out of memory", "import os\nos._exit(9)"),
    )
    result = report_build.build(processed_dir=small_processed, reports_dir=tmp_path / "reports", catalogue=specs,
                                notebooks_dir=notebooks, jobs_limit=1)
    outcome = {r.spec.name: r for r in result.reports}
    assert outcome["talks"].ok
    assert outcome["dies"].error == ("DeadKernelError: Kernel died; its process last wrote: "
                                     "fatal: a C library ran out of memory")
    terminal = capfd.readouterr()
    assert "a-kernel-talking-to-itself" not in terminal.err + terminal.out
    assert "fatal: a C library" not in terminal.err + terminal.out
    assert "its kernel died; what its process wrote last:\nfatal: a C library ran out of memory" in caplog.text


def test_a_stop_signal_that_another_thread_received_stops_the_reports_at_once():
    """The system may hand a process's signal to any of its threads; the handler still
    runs in the main thread, and only once it wakes: a build waiting on its workers must
    wake to stop, not when the reports under way end."""
    import signal
    import threading
    import time

    def launch(job):
        raise RuntimeError("this job needs no kernel")

    def run(job, kernel):
        kernels.STOPPING.wait(20)  # a report under way, until the build stops

    def signal_from_a_worker_thread():
        time.sleep(0.5)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)

    threading.Thread(target=signal_from_a_worker_thread).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), _python_sigint():
        kernels.run_all(2, 2, launch, run)
    assert time.monotonic() - started < 10


def test_a_stop_signal_lets_the_reports_under_way_clean_up_before_the_build_ends():
    """Ctrl+C in the main thread ends the build only after each report under way has
    cleaned up (its temporary folder, its kernel), not while one still runs."""
    import signal
    import threading
    import time

    main, cleaned = threading.get_ident(), []

    def launch(job):
        raise RuntimeError("this job needs no kernel")

    def run(job, kernel):
        kernels.STOPPING.wait(20)
        # A report's clean-up after its kernel was killed: longest on the first worker,
        # the one whose end the main thread awaits first.
        time.sleep(1.5 if threading.current_thread().name.endswith("-0") else 0.1)
        cleaned.append(job)

    threading.Timer(0.5, signal.pthread_kill, (main, signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt), _python_sigint():
        kernels.run_all(4, 2, launch, run)  # each worker runs one report, the next one claimed
    assert len(cleaned) == 2  # both reports under way, and no other


@contextlib.contextmanager
def _python_sigint():
    """Python's own Ctrl+C handler (KeyboardInterrupt in the main thread) for the block,
    whatever a library or an earlier test of this process left in its place."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)

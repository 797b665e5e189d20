"""Faults of the machine while writing: one message, exit code 3, and the previous outputs
kept whole. A full disk is simulated with a file-size limit (RLIMIT_FSIZE), which makes
every write past it fail as a full disk does, with no root rights needed."""

import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ADOPTION = str(Path(sys.executable).parent / "adoption")


def _run_with_file_limit(limit_bytes: int, *args) -> subprocess.CompletedProcess:
    def limit():  # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([ADOPTION, *args], capture_output=True, text=True, timeout=900, preexec_fn=limit)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_clean_that_runs_out_of_space_keeps_the_previous_set(small_raw, small_processed, tmp_path):
    out = tmp_path / "processed"
    shutil.copytree(small_processed, out)
    before = _files(out)
    largest = max(len(content) for content in before.values())
    done = _run_with_file_limit(largest // 2, "clean", "--raw", str(small_raw), "--out", str(out))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "error:" in done.stderr
    message = " ".join(done.stderr.split())
    assert "File too large" in message and "free space" in message
    assert f"{out}/" in message.replace(" ", "")  # the file that could not be written, by name
    assert _files(out) == before  # the previous set, whole; no hidden staging folder left


@pytest.mark.slow
def test_a_build_that_runs_out_of_space_leaves_no_temporary_files(small_processed, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "index.html").write_text("the previous index", encoding="utf-8")
    done = _run_with_file_limit(64 * 1024, "build", "--processed", str(small_processed), "--reports", str(reports),
                                "--only", "ict-sector", "--jobs", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "error:" in done.stderr
    left = sorted(p.name for p in reports.rglob(".*"))
    assert left == [], f"temporary files left behind: {left}"
    assert "2 of 2 reports could not be written" in " ".join(done.stderr.split())
    assert not (reports / "ict-sector.en.html").exists()
    assert str(reports / "index.html") not in done.stdout  # no index to open: its reports are not there


def _start(tmp_path: Path, *args, session: bool = False) -> subprocess.Popen:
    """``adoption *args`` with a temporary folder of its own (where report kernels keep
    their connection files too), to see what it leaves behind; with ``session``, in a
    process group of its own, as a terminal runs a command."""
    import os

    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    return subprocess.Popen([ADOPTION, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=session)


def _stop(process: subprocess.Popen, signum: int, *, group: bool = False) -> str:
    """Send ``signum`` to a running command (with ``group``, to every process of its group,
    as a terminal sends Ctrl+C); check that it stopped cleanly (its code, its one line, no
    traceback) and return what it wrote on stderr."""
    import os
    import signal

    if group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    name = signal.Signals(signum).name
    assert process.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr and f"stopped by {name}" in " ".join(stderr.split()), stderr
    return stderr


def _wait_for(path_test, process: subprocess.Popen, timeout: float = 120) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not path_test():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never reached the point to stop it at"
        time.sleep(0.05)


@pytest.mark.slow
def test_sigterm_stops_a_build_cleanly(small_processed, tmp_path):
    import signal

    reports = tmp_path / "reports"
    build = _start(tmp_path, "build", "--processed", str(small_processed), "--reports", str(reports), "--jobs", "2")
    tmp = tmp_path / "tmp"
    # Stop it once reports run: their temporary folders exist and their kernels are up.
    _wait_for(lambda: any(tmp.glob("adoption-run-*")) and any(tmp.glob("*.json")), build)
    stderr = _stop(build, signal.SIGTERM)
    assert "failed" not in stderr, stderr  # reports cut short are not reported as failures
    # Only the build's own log lines and its stop message: nothing a killed kernel wrote.
    other = [line for line in stderr.splitlines() if not re.match(r"[0-9-]{10}T[0-9:]{8}[+-][0-9]{4} (INFO|WARNING) ", line)]
    assert " ".join(" ".join(other).split()) == ("stopped by SIGTERM: outputs published before it are kept; "
                                                 "nothing half-written is left"), stderr
    assert list(tmp.iterdir()) == []  # no temporary folder, no kernel's connection file left
    assert not list(reports.rglob(".*"))  # no half-written report


@pytest.mark.slow
def test_sigint_stops_a_clean_and_keeps_the_previous_set(default_raw, small_processed, tmp_path):
    import signal

    out = tmp_path / "processed"
    shutil.copytree(small_processed, out)
    before = _files(out)
    clean = _start(tmp_path, "clean", "--raw", str(default_raw), "--out", str(out))
    _wait_for(lambda: any(out.glob(".adoption-new-*")), clean)  # while it writes the new set
    _stop(clean, signal.SIGINT)
    assert _files(out) == before


@pytest.mark.slow
def test_sigterm_stops_a_clean_on_a_local_cluster_and_leaves_nothing(default_raw, small_processed, tmp_path):
    import signal

    out = tmp_path / "processed"
    shutil.copytree(small_processed, out)
    before = _files(out)
    clean = _start(tmp_path, "clean", "--raw", str(default_raw), "--out", str(out), "--engine", "dask")
    tmp = tmp_path / "tmp"
    # Once the cluster runs (its scratch folder made) and the run has its work folder.
    _wait_for(lambda: any(tmp.glob("adoption-dask-*")) and any(out.glob(".adoption-work-*")), clean)
    _stop(clean, signal.SIGTERM)
    assert _files(out) == before  # the previous set, whole; no work or staging folder
    assert list(tmp.iterdir()) == []  # the cluster's scratch folder too


@pytest.mark.slow
def test_ctrl_c_stops_a_clean_on_a_local_cluster_with_one_line(default_raw, small_processed, tmp_path):
    """Ctrl+C reaches the workers of a local cluster too (a terminal signals the whole
    command): they leave the stop to the process that drives the work, and print nothing."""
    import signal

    out = tmp_path / "processed"
    shutil.copytree(small_processed, out)
    before = _files(out)
    clean = _start(tmp_path, "clean", "--raw", str(default_raw), "--out", str(out), "--engine", "dask", session=True)
    # Once the workers run the cleaning's tasks (their spill written).
    _wait_for(lambda: any(out.glob(".adoption-work-*/*/b*")), clean)
    stderr = _stop(clean, signal.SIGINT, group=True)
    assert "KeyboardInterrupt" not in stderr and "CancelledError" not in stderr and "WARNING" not in stderr, stderr
    assert _files(out) == before
    assert list((tmp_path / "tmp").iterdir()) == []

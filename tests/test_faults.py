"""Faults of the machine while writing: one message, exit code 3, and the previous outputs
kept whole. A full disk is simulated with a file-size limit (RLIMIT_FSIZE), which makes
every write past it fail as a full disk does, with no root rights needed."""

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
    assert "File too large" in done.stderr and "free space" in " ".join(done.stderr.split())
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

"""The `adoption` command as a user runs it: real processes, real files."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


DATA = Path(__file__).parent / "data"
ADOPTION = str(Path(sys.executable).parent / "adoption")
# Runs `adoption` in this interpreter, then says which heavy modules it imported.
PROBE = ("import sys\nfrom adoption.cli import run\nsys.argv = ['adoption', *sys.argv[1:]]\n"
         "try:\n    run()\nfinally:\n"
         "    print('heavy:', sorted(m for m in ('pandas', 'papermill', 'nbconvert', 'jupyter_client', 'dask',"
         " 'distributed') if m in sys.modules),"
         " file=sys.stderr)\n")


def run(*args, check=None, env=None):
    done = subprocess.run([ADOPTION, *args], capture_output=True, text=True, timeout=600,
                          env=None if env is None else {**os.environ, **env})
    if check is not None:
        assert done.returncode == check, done.stdout + done.stderr
    return done


def test_help_explains_the_stages():
    out = run("--help", check=0).stdout
    for command in ("synth", "clean", "build", "report", "params", "lab"):
        assert command in out
    assert "--raw" in run("clean", "--help", check=0).stdout


def test_help_paragraphs_wrap_to_the_terminal_not_to_the_docstring():
    # A docstring's line breaks are not the terminal's: wide, a paragraph runs on one line.
    out = run("clean", "--help", check=0, env={"COLUMNS": "250"}).stdout
    assert "rejects.csv (every row not used, with its reason) and quality.json" in out
    out = run("synth", "--help", check=0, env={"COLUMNS": "250"}).stdout
    assert "1,300 electronics-IT-digital firms with 55,720 workers" in out


def test_params_lists_notebook_parameters():
    out = run("params", "adoption-overview", check=0).stdout
    assert "lang" in out and "district" in out and "718-726" in out and "Optional[str]" in out


def test_missing_column_exit_2_and_no_output(tmp_path):
    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    (raw / "register" / "dn.csv").write_text("MST,Tên DN,Huyện\n3700145020,A,Dĩ An\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run("clean", "--raw", str(raw), "--out", str(out), check=2)
    message = " ".join(done.stderr.split())
    assert "dn.csv" in message and "missing required column" in message and "'vsic'" in message
    assert not out.exists() or not any(out.iterdir())


def test_clean_any_folder(tmp_path):
    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    shutil.copy(DATA / "register_small.csv", raw / "register")
    out = tmp_path / "out"
    done = run("clean", "--raw", str(raw), "--out", str(out), check=0)
    assert "register_small.csv" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "enterprises.parquet", "extra_columns.parquet", "merges.csv", "platforms.parquet", "quality.json", "rejects.csv",
    ]


def test_clean_takes_the_vsic_version_of_files_that_do_not_name_it(tmp_path):
    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    shutil.copy(DATA / "register_small.csv", raw / "register")
    out = tmp_path / "out"
    run("clean", "--raw", str(raw), "--out", str(out), "--vsic-version", "2018", check=0)
    flags = json.loads((out / "quality.json").read_text(encoding="utf-8"))["flags"]
    assert flags["vsic_version"]["files_naming_version"] == {"register_small.csv": "2018"}
    assert flags["vsic_ambiguous"]["count"] == 0
    done = run("clean", "--raw", str(raw), "--out", str(tmp_path / "other"), "--vsic-version", "2007", check=2)
    assert "VSIC version '2007'" in done.stderr


def test_clean_a_series_of_extracts_each_into_its_own_folder(tmp_path):
    """A raw folder of extracts, one folder per extract date: each cleaned into the folder of
    the same name, its date taken from the folder's name (before VSIC 2025: read as 2018)."""
    for day in ("2023-09-30", "2026-03-31"):
        (tmp_path / "raw" / day / "register").mkdir(parents=True)
        shutil.copy(DATA / "register_small.csv", tmp_path / "raw" / day / "register")
    (tmp_path / "raw" / "notes").mkdir()  # not an extract
    out = tmp_path / "out"
    run("clean", "--raw", str(tmp_path / "raw"), "--out", str(out), check=0)
    assert sorted(p.name for p in out.iterdir()) == ["2023-09-30", "2026-03-31"]
    early, late = (json.loads((out / day / "quality.json").read_text(encoding="utf-8")) for day in ("2023-09-30", "2026-03-31"))
    assert early["extract"] == {"date": "2023-09-30", "from": "folder name", "vsic_version": "2018"}
    assert late["extract"] == {"date": "2026-03-31", "from": "folder name"}  # VSIC 2025 in force: decided code by code
    assert early["flags"]["vsic_ambiguous"]["count"] == 0


def test_build_without_clean_data(tmp_path):
    done = run("build", "--processed", str(tmp_path / "none"), "--reports", str(tmp_path / "r"), check=2)
    assert "run `adoption clean` first" in " ".join(done.stderr.split())


def test_synth_refuses_to_overwrite(default_raw):
    done = run("synth", "--raw", str(default_raw), check=2)
    assert "already holds files in register/" in " ".join(done.stderr.split())


def test_report_end_to_end_and_skips_a_current_clean(tmp_path):
    """The main job from an empty raw folder, cleaning in parts (--engine chunked), for the
    reports named with --only: the ICT report of each extract (the quickest report that shows
    the published figures) and the trend across them, built from the parts as from single
    tables (every report of the catalogue, the overview on both maps among them, is built on
    the small register by the shared ``built`` fixture, and the overview from a national
    register's parts by tests/report/test_province_reports.py). A report the data cannot
    serve (the national province overviews, on one province's data) is said once, not once
    a page."""
    args = ("report", "--raw", str(tmp_path / "raw"), "--processed", str(tmp_path / "processed"),
            "--reports", str(tmp_path / "reports"), "--engine", "chunked",
            "--only", "ict-sector", "--only", "trend", "--only", "province-overview")
    # A --raw folder that does not exist is a typo, not a wish for synthetic data.
    typo = run(*args, check=2)
    assert "no such folder" in " ".join(typo.stderr.split()) and not (tmp_path / "raw").exists()
    (tmp_path / "raw").mkdir()  # an empty folder the user names gets the default data: a series of three extracts
    first = run(*args, check=0)
    index = tmp_path / "reports" / "index.html"
    assert first.stdout.strip().splitlines()[-1] == str(index)
    assert index.is_file()
    dates = ["2023-09-30", "2024-12-31", "2025-12-31"]
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == sorted(dates + [f"{d}_truth" for d in dates])
    assert all((tmp_path / "raw" / d / "SYNTHETIC.json").is_file() for d in dates)
    assert all((tmp_path / "raw" / f"{d}_truth" / "register_truth.parquet").is_file() for d in dates)
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == dates
    assert all((tmp_path / "processed" / d / "enterprises.parquet" / "province_code=74").is_dir() for d in dates)
    page = index.read_text(encoding="utf-8")
    built = [*(f"trend.{lang}.{m}.html" for lang in ("vi", "en") for m in ("2023", "2025")),
             *(f"{d}/ict-sector.{lang}.html" for d in dates for lang in ("vi", "en"))]
    for link in built:
        assert f'href="{link}"' in page and (tmp_path / "reports" / link).is_file()
    assert sorted(p.name for p in (tmp_path / "reports" / dates[0]).glob("*.html")) == sorted(
        ["index.html", "ict-sector.vi.html", "ict-sector.en.html"])
    # The first extract is the register of the published figures: 65,000 active firms, of
    # which 1,300 electronics-IT-digital firms with 55,720 workers.
    ict = (tmp_path / "reports" / "2023-09-30" / "ict-sector.en.html").read_text(encoding="utf-8")
    assert "65,000" in ict and "1,300" in ict and "55,720" in ict
    # The 63 provinces' overviews in two languages, three times: one line each extract.
    out, err = " ".join(first.stdout.split()), " ".join(first.stderr.split())
    for day in dates:
        assert out.count(f"{day}/province-overview.*.html (126 reports): not built (needs clean data of the whole country") == 1
    assert err.count("126 province-overview reports not built: needs clean data of the whole country") == 3
    assert "province-overview.vi.01.html" not in out + err
    # The second run cleans nothing and runs no report: the parts are current.
    second = run(*args, check=0)
    assert second.stderr.count("are up to date with") == 1 and "wrote" not in second.stderr
    lines = [line for line in second.stdout.splitlines() if line.startswith("  ") and ".html" in line]
    assert len(lines) == len(built) + 3 and all("up to date" in line or "not built" in line for line in lines)


def test_report_refuses_an_unknown_report_before_any_work(tmp_path):
    (tmp_path / "raw").mkdir()
    done = run("report", "--raw", str(tmp_path / "raw"), "--processed", str(tmp_path / "processed"),
               "--reports", str(tmp_path / "reports"), "--only", "trnd", check=2)
    assert "no report called 'trnd'" in " ".join(done.stderr.split()) and "trend" in done.stderr
    assert not any((tmp_path / "raw").iterdir()) and not (tmp_path / "processed").exists()


def test_lab_serves_the_notebooks_with_the_project_kernel():
    import json
    import re
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    lab = subprocess.Popen([ADOPTION, "lab", "--no-browser", "--port", str(port)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        token, seen = None, []
        deadline = time.monotonic() + 90
        while token is None and time.monotonic() < deadline:
            line = lab.stdout.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"token=([0-9a-f]+)", line)
            token = match.group(1) if match else None
        assert token, "".join(seen)

        def get(path):
            for _ in range(60):  # the token is printed a moment before the port is open
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token={token}", timeout=30) as response:
                        return json.load(response)
                except urllib.error.URLError:
                    time.sleep(0.5)
            raise AssertionError(f"JupyterLab did not answer on port {port}")

        specs = get("/api/kernelspecs")["kernelspecs"]
        assert specs["adoption"]["spec"]["argv"][0] == sys.executable
        assert "01-adoption-overview.ipynb" in [c["name"] for c in get("/api/contents")["content"]]
    finally:
        lab.terminate()  # SIGTERM, as a supervisor sends it
        lab.wait(timeout=30)
    # The server itself stopped: `adoption lab` is JupyterLab, not its parent.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                break
        time.sleep(0.5)
    else:
        raise AssertionError(f"JupyterLab still answers on port {port} after SIGTERM")


def test_report_never_writes_synthetic_data_beside_a_users_files(tmp_path):
    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    (raw / "register" / "dn.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old Excel file")
    done = run("report", "--raw", str(raw), "--processed", str(tmp_path / "p"), "--reports", str(tmp_path / "r"), check=2)
    assert "dn.xls" in done.stderr and "save it as .xlsx" in " ".join(done.stderr.split())
    assert sorted(p.name for p in raw.rglob("*")) == ["dn.xls", "register"]


def test_file_names_with_brackets_print_as_written(tmp_path):
    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    shutil.copy(DATA / "register_small.csv", raw / "register" / "[ban nháp] reg.csv")
    done = run("clean", "--raw", str(raw), "--out", str(tmp_path / "out"), check=0)
    assert "register/[bannháp]reg.csv" in "".join(done.stdout.split())
    (raw / "register" / "[ban nháp] reg.csv").write_text("MST,Tên\n1,A\n", encoding="utf-8")
    failed = run("clean", "--raw", str(raw), "--out", str(tmp_path / "out2"), check=2)
    assert "/register/[bannháp]reg.csv:noheaderrowfound" in "".join(failed.stderr.split())


def test_an_output_path_that_is_a_file_is_one_message_and_exit_3(tmp_path):
    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    shutil.copy(DATA / "register_small.csv", raw / "register")
    target = tmp_path / "out.txt"
    target.write_text("a file, not a folder", encoding="utf-8")
    done = run("clean", "--raw", str(raw), "--out", str(target), check=3)
    assert "Traceback" not in done.stderr and "error:" in done.stderr
    assert str(target) in "".join(done.stderr.split())
    assert target.read_text(encoding="utf-8") == "a file, not a folder"


def test_a_clean_removes_outputs_it_did_not_produce(small_raw, tmp_path):
    from adoption.core.io import load_clean

    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    out = tmp_path / "out"
    run("clean", "--raw", str(raw), "--out", str(out), check=0)
    assert (out / "workforce.parquet").is_file() and (out / "survey.parquet").is_file()
    shutil.rmtree(raw / "workforce")
    run("clean", "--raw", str(raw), "--out", str(out), check=0)
    assert not (out / "workforce.parquet").exists() and (out / "survey.parquet").is_file()
    assert load_clean(out).workforce is None


def test_clean_prints_each_files_encoding_and_takes_read_limits_from_the_environment(tmp_path):
    raw = tmp_path / "raw"
    (raw / "register").mkdir(parents=True)
    shutil.copy(DATA / "formats" / "register_cp1258.csv", raw / "register" / "dn.csv")
    done = run("clean", "--raw", str(raw), "--out", str(tmp_path / "out"), check=0)
    assert "cp1258100%" in "".join(done.stdout.split())
    failed = run("clean", "--raw", str(raw), "--out", str(tmp_path / "out2"), check=2, env={"ADOPTION_MAX_COLUMNS": "3"})
    message = "".join(failed.stderr.split())
    assert "dn.csv:line1:13columns,beyondthelimitmax_columns=3" in message
    assert "ADOPTION_MAX_COLUMNS" in message and "Traceback" not in failed.stderr


def test_a_build_with_nothing_to_do_imports_nothing_heavy(small_processed, built, tmp_path):
    """The second run of a scheduled build: every report is up to date, which is known from
    hashes and provenance records alone, with no kernel, papermill or pandas."""
    import shutil

    # The whole grid built on the small register, in folders of this test's own.
    processed = tmp_path / "processed"
    shutil.copytree(small_processed, processed)
    shutil.copytree(built.index.parent, tmp_path / "reports")
    args = ["build", "--processed", str(processed), "--reports", str(tmp_path / "reports")]
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stderr and "up to date" in done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(tmp_path / "reports" / "index.html")
    # Nor with a cluster named: with nothing to run, no client is opened (nor Dask imported).
    done = subprocess.run([sys.executable, "-c", PROBE, *args, "--scheduler", "tcp://127.0.0.1:9"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and "heavy: []" in done.stderr, done.stderr
    # A changed clean table is seen, and the full build takes over (and refuses the mix).
    (processed / "rejects.csv").write_bytes((processed / "rejects.csv").read_bytes() + b"x\n")
    refused = run(*args, check=2)
    assert "rejects.csv was changed" in " ".join(refused.stderr.split())


def test_report_refuses_an_unknown_engine_before_any_work(tmp_path):
    done = run("report", "--raw", str(tmp_path / "raw"), "--processed", str(tmp_path / "p"), "--reports",
               str(tmp_path / "r"), "--engine", "fast", check=2)
    message = " ".join(done.stderr.split())
    assert "--engine 'fast': expected one of memory, chunked, dask" in message and "Traceback" not in done.stderr
    assert not any(tmp_path.iterdir())


def test_a_scheduler_address_that_is_not_one_exit_2(tmp_path):
    done = run("build", "--processed", str(tmp_path), "--reports", str(tmp_path / "reports"), "--scheduler", "local:two",
               check=2)
    message = " ".join(done.stderr.split())
    assert "--scheduler local:two: expected tcp://HOST:PORT" in message and "Traceback" not in done.stderr
    assert not (tmp_path / "reports").exists()


def test_clean_with_an_unknown_scope_exits_2_naming_what_was_expected(tmp_path):
    result = run("clean", "--raw", str(tmp_path), "--out", str(tmp_path / "out"), "--scope", "Hà Tây")
    assert result.returncode == 2
    assert "scope 'Hà Tây'" in result.stderr + result.stdout
    assert "national" in result.stderr + result.stdout
    assert not (tmp_path / "out").exists()


def test_a_run_no_signal_stopped_leaves_the_signal_handlers_it_found():
    """The command's stop handlers are its own while it runs; run in-process (a test, a
    notebook), it hands the process's signals back as it found them."""
    import signal

    from rich.console import Console

    from adoption.stop import STOP_SIGNALS, until_stopped

    before = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    during = {}
    until_stopped(lambda: during.update({sig: signal.getsignal(sig) for sig in STOP_SIGNALS}), Console())
    assert all(during[sig] is not before[sig] for sig in STOP_SIGNALS)
    assert {sig: signal.getsignal(sig) for sig in STOP_SIGNALS} == before


def test_a_build_on_a_local_cluster_logs_its_reports_not_the_clusters(small_processed, tmp_path):
    """Dask's own INFO lines (its scheduler's address, each worker's registration) stay out
    of the build's log, as they do out of `clean --engine dask`'s."""
    done = run("build", "--processed", str(small_processed), "--reports", str(tmp_path), "--only", "province-benchmark",
               "--scheduler", "local:1", check=0)
    assert "wrote province-benchmark" in done.stderr
    assert "Scheduler at" not in done.stderr and "Register worker" not in done.stderr, done.stderr


def test_a_national_register_cleaned_for_one_province_says_what_it_left_out(tmp_path):
    """Without --scope a national register keeps Bình Dương alone: the cleaning says how
    many rows it rejected as outside the scope, and how to keep them."""
    raw, out = tmp_path / "raw", tmp_path / "processed"
    run("synth", "--raw", str(raw), "--firms", "1000", "--scope", "national", check=0)
    said = " ".join(run("clean", "--raw", str(raw), "--out", str(out), check=0, env={"COLUMNS": "250"}).stdout.split())
    outside = json.loads((out / "quality.json").read_text(encoding="utf-8"))["reasons"]["outside_scope"]
    assert outside > 0
    assert f"outside the scope: {outside:,} rows are outside Tỉnh Bình Dương" in said
    assert "--scope national keeps every province" in said
    national = " ".join(run("clean", "--raw", str(raw), "--out", str(tmp_path / "all"), "--scope", "national",
                            check=0, env={"COLUMNS": "250"}).stdout.split())
    assert "outside the scope:" not in national

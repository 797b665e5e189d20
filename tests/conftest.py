"""Shared fixtures: the default synthetic data, cleaned and reported once per test session.

Everything is written under pytest's temporary folder; data/ and reports/ of the checkout
are never touched by the tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adoption import report, synth
from adoption.clean import clean_folder as clean
from adoption.dataset import load_clean

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def default_raw(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    synth.write_synthetic(raw)
    return raw


@pytest.fixture(scope="session")
def default_processed(default_raw, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("processed")
    clean(default_raw, out)
    return out


@pytest.fixture(scope="session")
def default_data(default_processed):
    return load_clean(default_processed)


@pytest.fixture(scope="session")
def firms_in_scope(default_data):
    from adoption.metrics import in_scope

    return in_scope(default_data.enterprises)


@pytest.fixture(scope="session")
def built(default_processed, tmp_path_factory) -> report.BuildResult:
    reports_dir = tmp_path_factory.mktemp("reports")
    return report.build(processed_dir=default_processed, reports_dir=reports_dir)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = os.environ.get("ADOPTION_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {path}: .ci/run installs Debian's chromium package")
        pytest.skip(f"no Chromium at {path} (apt-get install chromium)")
    return path

"""Shared fixtures: synthetic data generated, cleaned and reported once per test session.

Two registers: the full default one (65,000 active firms, calibrated to the published
figures), for the tests of the data themselves; and a small one (3,000 firms, the same
generator scaled down), on which the report notebooks run, so that the suite stays quick
and the reports show figures that differ from the published ones. Everything is written
under pytest's temporary folder; data/ and reports/ of the checkout are never touched.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adoption.clean.pipeline import clean_folder
from adoption.core.io import load_clean
from adoption.report.build import BuildResult, build
from adoption.synth import write_synthetic

DATA = Path(__file__).parent / "data"
SMALL_FIRMS = 3_000


def _raw(factory, name: str, **options) -> Path:
    raw = factory.mktemp(name)
    write_synthetic(raw, **options)
    return raw


def _processed(factory, name: str, raw: Path) -> Path:
    out = factory.mktemp(name)
    clean_folder(raw, out)
    return out


@pytest.fixture(scope="session")
def default_raw(tmp_path_factory) -> Path:
    return _raw(tmp_path_factory, "raw")


@pytest.fixture(scope="session")
def default_processed(default_raw, tmp_path_factory) -> Path:
    return _processed(tmp_path_factory, "processed", default_raw)


@pytest.fixture(scope="session")
def default_data(default_processed):
    return load_clean(default_processed)


@pytest.fixture(scope="session")
def small_raw(tmp_path_factory) -> Path:
    return _raw(tmp_path_factory, "small_raw", firms=SMALL_FIRMS)


@pytest.fixture(scope="session")
def small_processed(small_raw, tmp_path_factory) -> Path:
    return _processed(tmp_path_factory, "small_processed", small_raw)


@pytest.fixture(scope="session")
def small_data(small_processed):
    return load_clean(small_processed)


@pytest.fixture(scope="session")
def built(small_processed, tmp_path_factory) -> BuildResult:
    """Every report of the catalogue, in both languages, on the small register."""
    return build(processed_dir=small_processed, reports_dir=tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="session")
def chromium() -> str:
    path = os.environ.get("ADOPTION_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {path}: .ci/run installs Debian's chromium package")
        pytest.skip(f"no Chromium at {path} (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def dask_cluster():
    """A Dask cluster of 2 worker processes on this machine (one thread each), for the tests
    of the paths that run on a cluster."""
    from adoption.core.cluster import local_cluster

    with local_cluster(2, host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        yield cluster

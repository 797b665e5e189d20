"""Writing the synthetic default data into a raw folder, with its manifest and ground truth."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ..core import config
from ..core.errors import AdoptionError, InputFileError
from ..core.io import raw_is_empty
from ..core.manifest import mark_writing, synthetic_files, write_manifest
from ..core.scope import Scope, parse_scope
from .files import write_tidy
from .mess import LEVELS, MessyFiles, write_messy
from .register import generate
from .scheme2025 import NEW_MAP_FROM
from .survey import survey_sample, write_survey
from .targets import DATA_CUTOFF, DEFAULT_FIRMS, DEFAULT_SEED, Targets
from .workforce import workforce_records, write_workforce

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SynthResult:
    """What :func:`write_synthetic` wrote."""

    raw_dir: Path
    files: list[Path]
    register_rows: int
    platform_rows: int



def _remove_earlier(raw_dir: Path) -> None:
    """Delete the files an earlier run of the generator wrote (those its manifest lists
    and nobody changed since); nothing else is touched."""
    try:
        earlier = synthetic_files(raw_dir)
    except InputFileError:  # an interrupted run's manifest lists nothing: its files are overwritten
        earlier = {}
    for rel in earlier:
        (Path(raw_dir) / rel).unlink(missing_ok=True)


def truth_dir_for(raw_dir: Path) -> Path:
    """Where the ground truth of a messy raw folder goes: beside it, never inside it."""
    raw_dir = Path(raw_dir).resolve()
    return raw_dir.parent / f"{raw_dir.name}_truth"


def write_synthetic(
    raw_dir: Path = config.RAW_DIR,
    *,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    messiness: str = "realistic",
    truth_dir: Path | None = None,
    firms: int = DEFAULT_FIRMS,
    scope: Scope | str | None = None,
) -> SynthResult:
    """Write the synthetic register (one file per district) and platform records.

    ``messiness`` is ``none`` (tidy UTF-8 CSV), ``realistic`` (the default: mixed
    formats, encodings, spellings, duplicates and junk at the rates of
    :data:`adoption.synth.mess.RATES`) or ``heavy`` (three times those rates). For a
    messy folder the ground truth of every row goes to ``truth_dir`` (default: beside
    ``raw_dir``, named ``<raw>_truth``). ``firms`` scales the register (65,000 active head
    offices by default, which reproduce the published figures; see
    :meth:`~adoption.synth.targets.Targets.scaled`). ``scope`` (default Bình Dương) is a
    province or ``national``: then ``firms`` active head offices are shared among its
    provinces, one register file each (:mod:`adoption.synth.national`). Refuses to write
    over a register folder that already holds data unless ``force``.

    >>> result = write_synthetic(Path("/tmp/example-raw"), force=True)  # doctest: +SKIP
    >>> result.register_rows  # doctest: +SKIP
    76500
    """
    raw_dir = Path(raw_dir)
    if messiness not in LEVELS:
        raise AdoptionError(f"messiness {messiness!r} is not a level; valid values: {', '.join(LEVELS)}")
    if not force and not raw_is_empty(raw_dir):
        raise AdoptionError(
            f"{raw_dir} already holds files in register/, platforms/, survey/ or workforce/; the generator "
            "writes only into empty folders. Use --force to write synthetic data beside them (only files an "
            "earlier run of the generator wrote are replaced)."
        )
    scope = parse_scope(scope)
    if not scope.is_default:
        from .national import write_provinces  # it writes Bình Dương's part with this module

        return write_provinces(raw_dir, scope, seed=seed, messiness=messiness, truth_dir=truth_dir, firms=firms)
    targets = Targets().scaled(firms)
    register, platforms = generate(seed, targets)
    return write_extract(raw_dir, register, platforms, seed=seed, messiness=messiness, truth_dir=truth_dir,
                         firms=firms, extracted_on=DATA_CUTOFF)


def prepare(raw_dir: Path) -> None:
    """Make ``raw_dir`` ready for the generator: an earlier run's files removed, the folder
    marked as being written (an interrupted run leaves a folder the cleaning refuses)."""
    _remove_earlier(raw_dir)
    mark_writing(raw_dir)
    for name in ("register", "platforms"):
        (raw_dir / name).mkdir(parents=True, exist_ok=True)


def write_binh_duong(raw_dir: Path, register: pd.DataFrame, platforms: pd.DataFrame, *, seed: int, messiness: str,
                     targets: Targets, extracted_on: date) -> tuple[list[Path], MessyFiles | None]:
    """Bình Dương's register (one file per district), platform records, survey and
    workforce records, as written on ``extracted_on``: the files, and the messy files'
    ground truth (None for tidy files)."""
    messy = None
    if messiness == "none":
        written = write_tidy(register, platforms, raw_dir, extracted_on=extracted_on)
    else:
        log.info("writing %s exports (mixed formats, spellings, duplicates, junk rows)", messiness)
        messy = write_messy(register, platforms, raw_dir, level=messiness, seed=seed, extracted_on=extracted_on)
        written = messy.files
    # The agency draws its survey from the frame of its day: the 2025 map once districts are gone.
    strata = "commune2025|size_class" if extracted_on >= NEW_MAP_FROM else "district|size_class"
    written.append(write_survey(survey_sample(register, seed, targets, strata=strata), raw_dir))
    written.append(write_workforce(workforce_records(register, seed), raw_dir))
    return written, messy


def truth_folder(raw_dir: Path, truth_dir: Path | None) -> Path:
    """The ground truth's folder (``truth_dir``, or beside ``raw_dir``), made, with its README."""
    truth_path = Path(truth_dir) if truth_dir else truth_dir_for(raw_dir)
    truth_path.mkdir(parents=True, exist_ok=True)
    (truth_path / "README.md").write_text(TRUTH_README, encoding="utf-8")
    return truth_path


def write_extract(raw_dir: Path, register: pd.DataFrame, platforms: pd.DataFrame, *, seed: int, messiness: str,
                  truth_dir: Path | None, firms: int, extracted_on: date) -> SynthResult:
    """Write one extract of canonical frames (as :func:`~adoption.synth.register.generate`
    makes them) into ``raw_dir``, written as an agency would write it on ``extracted_on``
    (see :func:`~adoption.synth.mess.write_messy`), with its manifest and ground truth."""
    raw_dir = Path(raw_dir)
    prepare(raw_dir)
    written, messy = write_binh_duong(raw_dir, register, platforms, seed=seed, messiness=messiness,
                                      targets=Targets().scaled(firms), extracted_on=extracted_on)
    truth_path = None
    if messy is not None:
        truth_path = truth_folder(raw_dir, truth_dir)
        messy.register_truth.to_parquet(truth_path / "register_truth.parquet", index=False)
        messy.platform_truth.to_parquet(truth_path / "platform_truth.parquet", index=False)
        log.info("wrote the ground truth to %s", truth_path)
    for path in written:
        log.info("wrote %s", path.relative_to(raw_dir))
    write_manifest(raw_dir, written, seed=seed, messiness=messiness,
                   truth_dir=str(truth_path) if truth_path else None, firms=firms,
                   extracted_on=extracted_on.isoformat())
    return SynthResult(raw_dir=raw_dir, files=written, register_rows=len(register), platform_rows=len(platforms))


TRUTH_README = """# Ground truth of a synthetic messy register

Written by `adoption synth` beside the raw folder, never inside it, so that the cleaning
step cannot see it. One row per data row written:

- `register_truth.parquet`: `source_file`, `source_sheet`, `source_row` (as the cleaning
  step reports them), the canonical values of the firm (`tax_code`, `province_code`,
  `district_code`, `commune_code`, `vsic4`, `legal_form`, `ownership`, `status`), `expected` (`kept`,
  `merged` for a duplicate, `rejected` for a junk row) and `entity` (the tax code of the
  firm a kept or duplicate row describes).
- `platform_truth.parquet`: the same for platform records, with `platform`.
"""


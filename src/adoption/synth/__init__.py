"""The generator: synthetic default data, calibrated to published figures, written as
messy as real exports, with the ground truth beside them.

One module a job: :mod:`~adoption.synth.targets` (what is published, what is assumed),
:mod:`~adoption.synth.register` (firms and platform use), :mod:`~adoption.synth.survey`,
:mod:`~adoption.synth.workforce`, :mod:`~adoption.synth.spellings` (how registers write
things), :mod:`~adoption.synth.mess` (messiness and ground truth),
:mod:`~adoption.synth.files` (CSV and XLSX writing) and :mod:`~adoption.synth.write`
(everything into a raw folder, with its manifest), :mod:`~adoption.synth.series` (a
series of extracts of one evolving population) and :mod:`~adoption.synth.scheme2025`
(how extracts are written after the reforms of 2025).

The generator never imports the cleaner (:mod:`adoption.clean`): the tests measure one
against the other, so they must not share code.
"""

from .targets import DEFAULT_FIRMS, DEFAULT_SEED, Targets
from .write import SynthResult, raw_is_empty, truth_dir_for, write_synthetic
from .series import DEFAULT_SERIES, write_series

__all__ = ["DEFAULT_FIRMS", "DEFAULT_SEED", "DEFAULT_SERIES", "SynthResult", "Targets", "raw_is_empty", "truth_dir_for",
           "write_series", "write_synthetic"]

"""The cleaning stage: raw register exports in, the data contract's clean tables out.

One module a job: :mod:`~adoption.clean.read` (files to text under canonical columns),
:mod:`~adoption.clean.encoding` (each text file's encoding, from evidence),
:mod:`~adoption.clean.limits` (bounds on a file, :class:`ReadLimits`),
:mod:`~adoption.clean.vocab` (spellings, as data), :mod:`~adoption.clean.normalise` and
:mod:`~adoption.clean.places` (one verb per kind of messy value),
:mod:`~adoption.clean.tax_code`, one cleaner per table (:mod:`~adoption.clean.register`,
:mod:`~adoption.clean.platforms`, :mod:`~adoption.clean.survey`,
:mod:`~adoption.clean.workforce`), :mod:`~adoption.clean.rejects`,
:mod:`~adoption.clean.duplicates`, :mod:`~adoption.clean.accounting`, and
:mod:`~adoption.clean.pipeline` which runs them all.

The cleaner never imports the generator (:mod:`adoption.synth`): the tests measure one
against the other.
"""

from importlib import import_module

__all__ = ["CleanResult", "ReadLimits", "clean_folder", "clean_raw"]


def __getattr__(name: str):
    # Loaded on first use: a report kernel that resolves a district name needs
    # adoption.clean.places, not the readers and table cleaners.
    if name == "ReadLimits":
        return import_module("adoption.clean.limits").ReadLimits
    if name in __all__:
        return getattr(import_module("adoption.clean.pipeline"), name)
    raise AttributeError(f"module 'adoption.clean' has no attribute {name!r}")

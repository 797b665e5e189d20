"""The package's own exceptions. The command line turns each into a message and exit 2."""


class AdoptionError(Exception):
    """Base class: an input or a request the package cannot work with."""


class InputFileError(AdoptionError):
    """A raw input file that cannot be read or lacks what the data contract requires."""


class SchemaError(AdoptionError):
    """A table that does not match the data contract."""


class ParameterError(AdoptionError):
    """A report parameter that is unknown or has a value outside its valid set."""


class ClusterError(AdoptionError):
    """A Dask scheduler that cannot be reached or has no workers, or workers that do not
    see the folders, notebooks or package version of the machine that sends them work."""


class TooFewFirms(AdoptionError):
    """A report asked of fewer firms than a shared report may describe (1 or 2): every
    figure, even a hidden one's row, would tell about them one by one. The build lists the
    report as not built, and says why."""

"""adoption: enterprise digital adoption and digital workforce reports.

The public API, for notebooks and scripts::

    import adoption as ad
    data = ad.load_clean()                 # the clean tables of data/processed/
    ad.headline(data.enterprises)           # firms, adopters, adoption rate, ...
    ad.adoption_by(data.enterprises, "district")
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("adoption")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

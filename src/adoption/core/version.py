"""The installed package's version, read once from its metadata."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("adoption")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

"""The installed package's version, read once from its metadata, and a hash of its code."""

import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("adoption")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

# Files whose change changes what the package computes or shows.
CODE_SUFFIXES = (".py", ".j2", ".json", ".csv", ".toml")
PACKAGE_DIR = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=None)
def code_hash(*parts: str) -> str:
    """SHA-256 over the version and the code, templates, text and reference data of the
    package, or of the sub-packages named in ``parts`` (``"core", "clean"``).

    >>> code_hash("core") == code_hash("core") != code_hash("core", "clean")
    True
    """
    digest = hashlib.sha256(__version__.encode())
    roots = [PACKAGE_DIR / part for part in parts] if parts else [PACKAGE_DIR]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()

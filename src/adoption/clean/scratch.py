"""Temporary folders of the reading: a large CSV written as UTF-8
(:mod:`adoption.clean.pieces`), a workbook's rows waiting a sheet at a time
(:mod:`adoption.clean.workbook`). Each is in Python's temporary folder (``TMPDIR``), named
for the machine and the process that made it, and removed by that process; one that a
process stopped before it could (killed when out of memory, say) is removed by the next
process of the same machine that makes one, so that a file's copy of a gigabyte or more is
not left behind run after run.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# What each kind of folder holds.
KINDS = {"utf8": "a large CSV's text as UTF-8", "sheets": "a workbook's rows, a sheet at a time"}


def _machine() -> str:
    """This machine's name as it goes into a folder's name."""
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "machine"


def scratch_folder(kind: str) -> Path:
    """A new folder for ``kind`` of files (:data:`KINDS`) in the temporary folder, named
    ``adoption-KIND-MACHINE-PID-...``; the folders of either kind that processes of this
    machine no longer running left there are removed first. Raises :class:`OSError` where
    no folder can be made."""
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    _remove_left_behind()
    return Path(tempfile.mkdtemp(prefix=f"adoption-{kind}-{_machine()}-{os.getpid()}-"))


def _running(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (another user's included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # not ours to signal (PermissionError), or the check itself failed: left alone
        return True
    return True


def _remove_left_behind() -> None:
    """Remove this machine's folders (:func:`scratch_folder`) whose process no longer runs."""
    named = re.compile(rf"adoption-({'|'.join(KINDS)})-{re.escape(_machine())}-(\d+)-")
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return
    for entry in entries:
        found = named.match(entry.name)
        if not found or not entry.is_dir(follow_symlinks=False) or _running(int(found.group(2))):
            continue
        size = sum(f.stat().st_size for f in Path(entry.path).rglob("*") if f.is_file())
        shutil.rmtree(entry.path, ignore_errors=True)
        if not os.path.exists(entry.path):
            log.info("removed %s (%s, %s MB), left behind by process %s, which no longer runs", entry.path,
                     KINDS[found.group(1)], f"{size / 2**20:,.1f}", found.group(2))

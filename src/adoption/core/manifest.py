"""The synthetic-data manifest: ``SYNTHETIC.json`` at the root of a raw folder.

The generator writes it, listing every file it wrote with its hash; the cleaning stage
reads it to mark files that are still exactly as generated, so that every report built on
them says it is synthetic. A file edited since is no longer counted as synthetic.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from . import config
from .errors import InputFileError
from .outputs import sha256_file
from .version import __version__

NOTICE_EN = "Synthetic data: generated and calibrated to published figures, not a real register."
NOTICE_VI = "Dữ liệu tổng hợp (mô phỏng): được sinh ra và hiệu chỉnh theo số liệu công bố, không phải sổ đăng ký thật."


def write_manifest(raw_dir: Path, files: list[Path], **settings) -> Path:
    """Write ``SYNTHETIC.json`` listing ``files`` (inside ``raw_dir``) with their hashes."""
    raw_dir = Path(raw_dir)
    manifest = {
        "synthetic": True,
        "generator": "adoption.synth",
        "package_version": __version__,
        **settings,
        "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "notice_en": NOTICE_EN,
        "notice_vi": NOTICE_VI,
        "files": {p.relative_to(raw_dir).as_posix(): sha256_file(p) for p in files},
    }
    path = raw_dir / config.SYNTHETIC_MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def mark_writing(raw_dir: Path) -> Path:
    """Write a ``SYNTHETIC.json`` that says the generator is still writing: until
    :func:`write_manifest` replaces it, the folder is refused by the cleaning stage, so an
    interrupted run never passes for a real register."""
    path = Path(raw_dir) / config.SYNTHETIC_MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"synthetic": True, "generator": "adoption.synth", "writing": True,
                                "notice_en": NOTICE_EN, "notice_vi": NOTICE_VI, "files": {}}, indent=2), encoding="utf-8")
    return path


def read_manifest(raw_dir: Path) -> dict:
    """The ``SYNTHETIC.json`` of ``raw_dir`` ({} when there is none).

    Raises :class:`InputFileError` for a manifest that is not the generator's JSON, and
    for one of an interrupted run.
    """
    path = Path(raw_dir) / config.SYNTHETIC_MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: not the generator's JSON ({exc.__class__.__name__}: {exc}); "
                             "delete it if the folder holds no synthetic data, or run `adoption synth --force`") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict):
        raise InputFileError(f"{path}: not the generator's manifest (expected an object with a 'files' object)")
    if manifest.get("writing"):
        raise InputFileError(f"{path}: the synthetic generator was interrupted while writing into {raw_dir}; "
                             "run `adoption synth --force` to write it again")
    return manifest


def synthetic_files(raw_dir: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """Files of ``raw_dir`` that the generator wrote and nobody changed since: path -> hash.
    ``known``: hashes already taken of some of the files (path -> hash), not taken again."""
    manifest = read_manifest(raw_dir)
    known = known or {}
    unchanged = {}
    for rel, digest in manifest.get("files", {}).items():
        path = Path(raw_dir) / rel
        if path.is_file() and (known[rel] if rel in known else sha256_file(path)) == digest:
            unchanged[rel] = digest
    return unchanged

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
from .io import sha256_file
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


def synthetic_files(raw_dir: Path) -> dict[str, str]:
    """Files of ``raw_dir`` that the generator wrote and nobody changed since: path -> hash."""
    manifest_path = Path(raw_dir) / config.SYNTHETIC_MANIFEST
    if not manifest_path.is_file():
        return {}
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    unchanged = {}
    for rel, digest in manifest.get("files", {}).items():
        path = Path(raw_dir) / rel
        if path.is_file() and sha256_file(path) == digest:
            unchanged[rel] = digest
    return unchanged

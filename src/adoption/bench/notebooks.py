"""The build measured against its floor.

The floor is the least any notebook costs the build: as many trivial notebooks as the
default build runs reports, each importing pandas and matplotlib and drawing one chart,
run and exported by the same machinery (:func:`adoption.report.build.build` with a
catalogue of trivial notebooks, the same grid, the same parallelism). What the default
build takes beyond it is what the reports themselves do.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..report.build import BuildResult, build
from ..report.catalogue import ReportSpec, default_catalogue

# A trivial report: the parameters every report takes, the two imports, one chart.
TRIVIAL_CELLS = (
    ('lang: str = "vi"\nprocessed_dir = None', ["parameters"]),
    ("import matplotlib.pyplot as plt\nimport pandas as pd", []),
    ('counts = pd.Series([3, 1, 2], index=["a", "b", "c"])\n'
     '_, ax = plt.subplots(figsize=(8, 2.5), layout="constrained")\nax.barh(counts.index, counts.to_numpy());', []),
)


def trivial_catalogue(folder: Path, catalogue: tuple[ReportSpec, ...] | None = None) -> tuple[ReportSpec, ...]:
    """One trivial notebook in ``folder`` for each report of ``catalogue``, over the same grid
    and with the same kernel, so that the floor runs as many notebooks as the build."""
    folder.mkdir(parents=True, exist_ok=True)
    specs = []
    for spec in default_catalogue() if catalogue is None else catalogue:
        extra = sorted({key for params in spec.grid for key in params} - {"lang", "processed_dir"})
        cells = [(code + "".join(f"\n{key} = None" for key in extra) if "parameters" in tags else code, tags)
                 for code, tags in TRIVIAL_CELLS]  # every parameter the report's grid sets
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(code, metadata={"tags": tags}) for code, tags in cells],
            metadata={"kernelspec": {"name": "adoption", "display_name": "Python (adoption)", "language": "python"}},
        )
        name = f"floor-{spec.name}"
        nbformat.write(nb, folder / f"{name}.ipynb")
        # the same needs: a report the data cannot feed (the trend report of one extract) is not run in either
        specs.append(ReportSpec(name, f"{name}.ipynb", spec.title_key, spec.grid, needs=spec.needs, titles=spec.titles))
    return tuple(specs)


@dataclass
class Timed:
    """A build and its wall time."""

    result: BuildResult
    seconds: float
    sizes: dict[str, int] = field(default_factory=dict)  # HTML file name -> bytes


def timed_build(**options) -> Timed:
    """Run :func:`build` with ``options``; its result, wall seconds and HTML sizes."""
    started = time.perf_counter()
    result = build(**options)
    seconds = time.perf_counter() - started
    failed = [f"{r.spec.name}: {r.error}" for r in result.failed]
    if failed:
        raise RuntimeError("the benchmark's build failed: " + "; ".join(failed))
    sizes = {r.html.name: r.html.stat().st_size for r in result.reports if r.html.is_file()}
    return Timed(result, seconds, sizes)


def cell_profile(result: BuildResult, top: int = 3) -> list[tuple[str, float, float, list[tuple[float, str]]]]:
    """For each report built: its seconds, the kernel's seconds in cells, and its slowest cells.

    Cell times are those papermill records in the executed notebook.
    """
    rows = []
    for report in result.reports:
        if report.skipped or report.missing or not report.ok:
            continue
        executed = report.html.parent / "notebooks" / report.html.with_suffix(".ipynb").name
        nb = nbformat.read(executed, as_version=4)
        cells = [(float(c.metadata.get("papermill", {}).get("duration") or 0.0), " ".join(c.source.split())[:70])
                 for c in nb.cells if c.cell_type == "code"]
        slowest = sorted(cells, reverse=True)[:top]
        rows.append((report.html.name, report.seconds, sum(s for s, _ in cells), slowest))
    return rows

"""Benchmark of the pipeline on the default data (``make bench``).

One run measures, on this machine and in the same session, so that a noisy shared
machine moves every figure of a comparison together:

- the cleaning's throughput and peak memory, against pyarrow's plain parse of the same
  raw files (:mod:`.data`);
- the default build against its floor: as many trivial notebooks (import pandas and
  matplotlib, draw one chart) run and exported by the same machinery (:mod:`.notebooks`);
- the rebuild with nothing changed, and the size of each HTML report.

It prints a table and writes it, with a description of the machine (:mod:`.machine`),
into ``docs/benchmarks.md`` (:mod:`.output`).
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark (imported on call, so that a measuring child process stays light)."""
    from .run import main as run

    run(argv)

"""The report stage: what a reader sees, and the build that makes it.

For notebooks: :mod:`~adoption.report.text` (the text catalogue, ``text.toml``),
:mod:`~adoption.report.formats` (numbers and names), :mod:`~adoption.report.tables`,
:mod:`~adoption.report.plots` and :mod:`~adoption.report.page` (banner, titles, notes,
sources). For the build: :mod:`~adoption.report.catalogue` (reports and their parameter
grids), :mod:`~adoption.report.cache` (what is up to date), :mod:`~adoption.report.execute`
(one notebook through papermill), :mod:`~adoption.report.export` (offline HTML and the
index) and :mod:`~adoption.report.build` (the whole grid, in parallel).

Nothing is imported here, so that a report kernel loading the notebook helpers does not
load papermill or nbconvert.
"""

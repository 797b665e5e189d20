"""The metrics stage: every figure a report shows, computed from the clean tables.

:mod:`~adoption.metrics.scope` (who is counted), :mod:`~adoption.metrics.adoption`
(digital-platform adoption), :mod:`~adoption.metrics.ict` (the ICT sector and the
electronics-IT-digital group), :mod:`~adoption.metrics.intensity` (digital intensity
from the survey, with intervals), :mod:`~adoption.metrics.workforce` (park workers and
training) and :mod:`~adoption.metrics.disclosure` (what a shared table may show).

Metrics return tables with canonical column names and codes; the report stage turns them
into what a reader sees.
"""

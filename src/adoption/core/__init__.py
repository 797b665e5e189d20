"""The core every stage stands on: paths, errors, reference data, the clean tables'
schema, file input and output, the synthetic-data manifest and the version.

Nothing here imports a stage (synth, clean, metrics, report); the import contract in
pyproject.toml keeps it so.
"""

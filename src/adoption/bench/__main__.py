"""``python -m adoption.bench``: run the benchmark."""

from . import main

main()

"""``python -m qbr`` runs the CLI."""

from qbr.cli import main

main()

"""`python -m checker` runs the modelterms command."""

from checker.cli.app import run

run()

"""`python -m checker` runs the modelterms command."""

from checker.cli import main

main()

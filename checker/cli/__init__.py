"""The command line: `app` (the Typer app, `check`, `policy`, the exception boundary), one module per
command group, the shared profile flags, and the terminal and file renderers."""

"""``quytrinh``: the command line over the engine services (the contract in README.md, "CLI").

Each command reads its arguments, calls one engine service and prints a short result or JSON. Errors
go to stderr in Vietnamese with a non-zero exit code: 1 for a refused request, 2 for a usage error or
an unexpected failure (whose traceback goes to the log file, never to the terminal). One module per
group of commands; importing them registers the commands on ``main``.
"""

from webapp.cli import audit, cases, definitions, signatures, system, tasks  # noqa: F401  (registers commands)
from webapp.cli.base import main

__all__ = ["main"]

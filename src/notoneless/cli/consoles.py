"""The two rich consoles every command writes to: ``console`` (stdout) and
``err_console`` (stderr, where ``main`` reports a project error as one line).
"""

from __future__ import annotations

from rich.console import Console

console = Console()
err_console = Console(stderr=True)

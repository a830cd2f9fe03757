"""The two rich consoles every command writes to: ``console`` (stdout) and
``err_console`` (stderr, where ``main`` reports a project error as one line), and the
help text of ``--by`` that every command writing officers' work shares.
"""

from __future__ import annotations

from rich.console import Console

console = Console()
err_console = Console(stderr=True)

# --by of every command that writes officers' work (cases act, decisions, contacts).
READER_HELP = (
    "查看人：已登记的用户名（notoneless users list）；每次查看记入审计（谁、何时、从哪台机器）。"
    "不写则用 NOTONELESS_USER 设置的本机用户"
)
BY_HELP = (
    "办理人：已登记的用户名（notoneless users list），按其角色与辖区检查；"
    "不写则用 NOTONELESS_USER 设置的本机用户"
)

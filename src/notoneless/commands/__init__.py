"""What each ``notoneless`` command does, behind its typer declaration in ``cli/``: one
module per command group (``graph``, ``cases``, ``contacts``, ``decisions``, ``api``,
``explain``, ``demo``, ``generate``), each taking the settings and a rich console and
printing what an officer sees. They adapt the services to the terminal and hold no rule
of their own.

May import every layer below it (the services, the domain, ``graph``, …); only the CLI
imports it.
"""

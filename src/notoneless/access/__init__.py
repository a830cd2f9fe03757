"""Access rules (访问控制): who a caller is, what a role may do, and how a number is masked.

``users`` holds the users (officers), their roles (角色) and divisions (辖区), the
bearer tokens and the :class:`~notoneless.access.users.Caller` of a request or a
command; ``masking`` holds the masking of ID and phone numbers. These are domain rules,
used by the services (cases, decisions, contacts) and by every adapter above them
(``api``, the web pages, ``commands``): no adapter writes a rule of its own.

May import: ``errors``, ``config``, ``localtime`` and the graph store (``graph``).
Never the API, the pages or the CLI.
"""

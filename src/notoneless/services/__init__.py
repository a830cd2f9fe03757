"""Services that join two domain parts in one officer action (``case_actions``: the case
step 指派联系人 makes the 三包 assignment through ``contacts.actions``).

May import the foundation, ``normalize``, ``graph``, ``checks`` and the domain parts
(``access``, ``cases``, ``decisions``, ``contacts``); never the API, the pages, the
commands or the CLI.
"""

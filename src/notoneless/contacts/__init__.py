"""三包 (the three responsible contacts: 包村 village, 包户 household, 包人 child) as the
service keeps them: officers' actions recorded as immutable events (``events``), merged
with each bundle's ``contacts`` file by the newest-statement rule (``merge``, applied to
a run's load by ``effective``), the actions themselves with their scoping (``actions``),
the monthly visit list (``visits``) and the town roster workbook (``roster``).
See ``docs/contacts.md``.

May import the foundation, ``normalize``, ``linkage`` (the id history), ``graph`` and
``access``; never the services, the API, the pages or the CLI.
"""

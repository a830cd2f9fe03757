"""The HTTP API for data officers (FastAPI): ``create_app()`` in ``app.py``, one router
per resource under ``routers/``, problem responses in ``exc.py``.

The API only adapts: who a caller is, what a role may do and how numbers are masked are
the domain's rules (``notoneless.access``); what a case, a decision or a 三包 action does
is the services' (``cases``, ``decisions``, ``contacts``, ``trail``).

May import every layer below it; nothing below imports the API.
"""

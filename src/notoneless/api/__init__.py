"""The HTTP API for data officers (FastAPI): ``create_app()`` in ``app.py``, one router
per resource under ``routers/``, access (users, roles, scope) in ``access.py``, masking
of ID and phone numbers in ``masking.py``, problem responses in ``exc.py``."""

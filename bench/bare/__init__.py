"""A bare Django + DRF service: the ceiling `bench/api.py` measures the API against.

POST /rows validates a prompt and inserts one row; GET /rows/<id> reads one row by key and
returns it as small JSON. Same Django, DRF, middleware as a new project, Postgres and
gunicorn settings as the API, and nothing else.
"""

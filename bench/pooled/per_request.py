"""The API's settings as they were before the web kept its connection to a transaction pooler:
a new connection (TLS, SCRAM) for every request. bench/pooler.py's baseline."""

from naturalcad.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

"""The API's settings with Django's own check of a kept connection before a request reuses it
(a SELECT 1 round trip) instead of naturalcad.postgres's look at the idle socket:
bench/pooler.py's price of that round trip."""

from naturalcad.settings import *  # noqa: F403

DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"  # noqa: F405

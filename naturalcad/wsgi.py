import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naturalcad.settings")
# The web may use the transaction pooler (DATABASE_URL); see naturalcad/database_settings.py.
os.environ["NATURALCAD_PROCESS"] = "web"
django_application = get_wsgi_application()

from jobs.api.edge import limit_chunked_bodies  # noqa: E402  (needs the settings above)

application = limit_chunked_bodies(django_application)

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naturalcad.settings")
# The web may use the transaction pooler (DATABASE_URL); see naturalcad/database_settings.py.
os.environ["NATURALCAD_PROCESS"] = "web"
application = get_asgi_application()

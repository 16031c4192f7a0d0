import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familielos.settings")
application = get_wsgi_application()
# The URLs and the views behind them, and WeasyPrint (a second of imports, which the views load at the first PDF:
# familielos.pdf), are loaded now, not by the first request: with gunicorn's preload_app, once in the master for
# every worker. A broken WeasyPrint install also stops the start here, not a PDF later.
import_module(settings.ROOT_URLCONF)
import_module("familielos.pdf_engine")

"""WSGI entry point: `gunicorn pskshub.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pskshub.settings")

application = get_wsgi_application()

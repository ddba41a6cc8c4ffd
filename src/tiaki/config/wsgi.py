"""WSGI entry point for `tiaki serve` and any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

if os.environ.get("TIAKI_ENV") == "production":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.config.settings.production")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.config.settings.base")

application = get_wsgi_application()

"""Settings for the real servers and workers the crash tests start: the base settings, plain static files.

Only the static storage differs from what `tiaki serve` uses in production: the compressed manifest storage
gzips and brotlis every font and image on each start (half a minute on the shared test machine), which
tells nothing about crash safety. Tasks go through the database queue, as in production.
"""

from tiaki.config.settings.base import *  # noqa: F403
from tiaki.config.settings.base import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

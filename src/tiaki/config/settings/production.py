"""Production settings: PostgreSQL, secrets from the environment (start-up fails without them), TLS only."""

from __future__ import annotations

from tiaki.config import env

env.require_production_secrets()

from tiaki.config.settings.base import *  # noqa: E402,F403

PRODUCTION = True
DEBUG = False
SECURE_SSL_REDIRECT = True
# The API is refused over plain HTTP rather than redirected (tiaki.web.middleware.ApiRequiresHttpsMiddleware).
SECURE_REDIRECT_EXEMPT = [r"^api/"]
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The __Host- prefix pins cookies to this exact host over HTTPS with path=/ (no subdomain can set them).
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_NAME = "__Host-lang"

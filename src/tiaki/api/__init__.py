"""The partner API: django-ninja routers, one per domain, mounted at /api/v1."""

"""A URL conf for the API tests: the project's URLs plus the intelligence router on a test API.

Until the lead mounts `tiaki.intelligence.api.router` in `tiaki.api.api`, this mounts it on a NinjaAPI with
the same authentication and error handlers, so the tests exercise the real operations.
"""

from __future__ import annotations

from django.urls import path

from tiaki.api import api as project_api
from tiaki.config.urls import urlpatterns as project_urls
from tiaki.intelligence.api import router

PREFIX = "/api/v1"
if getattr(router, "api", None) is None:
    from ninja import NinjaAPI

    test_api = NinjaAPI(auth=project_api.AUTH, urls_namespace="intel-test", docs_url=None)
    for exception, handler in project_api.api._exception_handlers.items():
        test_api.add_exception_handler(exception, handler)
    test_api.add_router("", router)
    PREFIX = "/api/intel-test"
    urlpatterns = [path("api/intel-test/", test_api.urls), *project_urls]
else:
    urlpatterns = list(project_urls)

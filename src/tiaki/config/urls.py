"""Root URLs: language-prefixed pages, the API, the health check and the admin."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import set_language

from tiaki.api.api import api
from tiaki.governance.admin import admin_site
from tiaki.web import views as web_views
from tiaki.web.access import public

urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/setlang/", public(set_language), name="set_language"),
]
urlpatterns += i18n_patterns(
    path("", include("tiaki.community.urls")),
    path("staff/", include("tiaki.web.urls")),
    path("screening/", include("tiaki.screening.urls")),
    path("intelligence/", include("tiaki.intelligence.urls")),
    path("resolution/", include("tiaki.resolution.urls")),
    path("programmes/", include("tiaki.programmes.urls")),
    path("stats/", include("tiaki.stats.urls")),
    path("accounts/", include("tiaki.accounts.urls")),
    path("reports/", include("tiaki.intake.urls")),
    path("cases/", include("tiaki.cases.urls")),
    path("governance/", include("tiaki.governance.urls")),
    path("admin/", admin_site.urls),
)

"""The access matrix, generated from the URL configuration and the OpenAPI document.

Every page and API operation must declare who may use it; an undeclared one fails here (default deny).
For each: anonymous, same organisation without the permission, permitted, and (for object pages)
another organisation's object — asserting nothing leaks and nothing changes.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import ROLE_PERMISSIONS, Permission, Role
from tiaki.api.access import AUTHENTICATED, EXTENSION
from tiaki.api.api import api
from tiaki.governance.models import AuditEvent
from tiaki.intake.models import Channel, Report
from tiaki.web.access import PUBLIC, SIGNED_IN, STAFF

from .conftest import verified_client

MISSING_ID = 987654


@dataclass(frozen=True)
class Page:
    name: str  # namespace:name
    route: str  # regex-ish route with converters
    access: Any
    params: tuple[str, ...]

    def url(self, **values: Any) -> str:
        kwargs = {p: values.get(p, MISSING_ID) for p in self.params}
        return reverse(self.name, kwargs=kwargs)


def _walk(resolvers: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Page]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", prefix + str(entry.pattern)))
            yield Page(
                f"{namespace}{entry.name}",
                prefix + str(entry.pattern),
                getattr(entry.callback, "tiaki_access", None),
                params,
            )


ALL_PAGES = [p for p in _walk(get_resolver().url_patterns) if not p.name.startswith(("admin:", "api:"))]
ADMIN_PAGES = [p for p in _walk(get_resolver().url_patterns) if p.name.startswith("admin:")]
PERMISSION_PAGES = [p for p in ALL_PAGES if isinstance(p.access, Permission)]


def _role_with(permission: Permission) -> Role:
    return next(r for r in Role if r != Role.PARTNER_SYSTEM and permission in ROLE_PERMISSIONS[r])


def _role_without(permission: Permission) -> Role:
    return next(r for r in Role if r != Role.PARTNER_SYSTEM and permission not in ROLE_PERMISSIONS[r])


def _fetch(client: Client, url: str) -> Any:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


# Object pages: how to make an object of the page's kind belonging to an organisation.
def _report(organisation: Organisation) -> dict[str, int]:
    report = Report.objects.create(
        organisation=organisation, channel=Channel.INTERVIEW, narrative="LEAK-MARKER"
    )
    return {"report_id": report.pk}


def _api_key(organisation: Organisation) -> dict[str, int]:
    key, _secret = accounts_services.api_key_issue(actor=None, organisation=organisation, name="LEAK-MARKER")
    return {"key_id": key.pk}


def _collect(name: str, default: Any) -> Any:
    """Merge one registry (OBJECT_FACTORIES, PUBLIC_PAGES or API_BODIES) from every tests/<app>/factories.py.

    Each app registers its own object pages and public pages there, so the matrix covers new apps as soon
    as they add pages, and an app that forgets fails the completeness tests below.
    """
    merged = default
    for module_info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.factories")
        except ModuleNotFoundError as missing:
            if missing.name != f"tests.{module_info.name}.factories":
                raise
            continue
        registry = getattr(module, name, None)
        if registry:
            merged = merged | registry
    return merged


OBJECT_FACTORIES: dict[str, Callable[[Organisation], dict[str, int]]] = _collect(
    "OBJECT_FACTORIES",
    {
        "intake:report_detail": _report,
        "accounts:api_key_revoke": _api_key,
    },
)


def test_every_page_declares_its_access() -> None:
    undeclared = [p.name for p in ALL_PAGES if p.access is None]
    assert undeclared == [], f"pages without an access declaration (default deny): {undeclared}"
    assert len(ALL_PAGES) >= 10


# Pages whose URL parameters name something shared by all organisations (e.g. a questionnaire), with
# sample values: they need no cross-organisation check, but still the anonymous and permission checks.
SHARED_PARAMETERS: dict[str, dict[str, Any]] = _collect("SHARED_PARAMETERS", {})


def _values(page: Page, organisation: Organisation) -> dict[str, Any]:
    if not page.params:
        return {}
    if page.name in SHARED_PARAMETERS:
        return SHARED_PARAMETERS[page.name]
    return OBJECT_FACTORIES[page.name](organisation)


def test_every_object_page_has_a_factory_for_the_cross_organisation_check() -> None:
    missing = [
        p.name
        for p in PERMISSION_PAGES
        if p.params and p.name not in OBJECT_FACTORIES and p.name not in SHARED_PARAMETERS
    ]
    assert missing == []


PUBLIC_PAGES = _collect("PUBLIC_PAGES", {"set_language", "healthz", "accounts:login"})


def test_the_public_pages_are_exactly_the_expected_ones() -> None:
    assert {p.name for p in ALL_PAGES if p.access == PUBLIC} == PUBLIC_PAGES


@pytest.mark.django_db
@pytest.mark.parametrize("page", [p for p in ALL_PAGES if p.access != PUBLIC], ids=lambda p: p.name)
def test_anonymous_is_sent_to_sign_in(page: Page) -> None:
    response = _fetch(Client(), page.url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("page", [p for p in ALL_PAGES if p.access == PUBLIC], ids=lambda p: p.name)
def test_public_pages_open_without_an_account(page: Page) -> None:
    response = Client().get(page.url())
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("page", ADMIN_PAGES[:40], ids=lambda p: p.name)
def test_admin_is_closed_to_anonymous(page: Page) -> None:
    try:
        url = page.url(
            app_label="accounts", model_name="organisation", object_id=MISSING_ID, content_type_id=1
        )
    except Exception:  # admin routes with unusual parameters
        pytest.skip("route needs parameters this sample cannot build")
    response = Client().get(url, follow=True)
    assert response.redirect_chain, "the admin answered an anonymous caller without redirecting"
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", PERMISSION_PAGES, ids=lambda p: p.name)
def test_same_organisation_without_the_permission_is_refused(
    page: Page, org_a: Organisation, make_user: Callable[..., User]
) -> None:
    values = _values(page, org_a)
    events_before = AuditEvent.objects.count()
    user = make_user(org_a, _role_without(page.access))
    events_after_setup = AuditEvent.objects.count()
    response = _fetch(verified_client(user), page.url(**values))
    assert response.status_code == 403
    assert f"missing permission: {page.access.value}" in response.content.decode()
    assert "LEAK-MARKER" not in response.content.decode()
    assert AuditEvent.objects.count() == events_after_setup >= events_before  # nothing fired


@pytest.mark.django_db
@pytest.mark.parametrize("page", PERMISSION_PAGES, ids=lambda p: p.name)
def test_permitted_user_gets_in(page: Page, org_a: Organisation, make_user: Callable[..., User]) -> None:
    values = _values(page, org_a)
    user = make_user(org_a, _role_with(page.access))
    response = verified_client(user).get(page.url(**values))
    if response.status_code == 405:  # POST-only actions redirect back after acting
        response = verified_client(user).post(page.url(**values))
        assert response.status_code == 302
    else:
        assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [p for p in PERMISSION_PAGES if p.params and p.name not in SHARED_PARAMETERS],
    ids=lambda p: p.name,
)
def test_other_organisations_objects_do_not_exist_for_you(
    page: Page, org_a: Organisation, org_b: Organisation, make_user: Callable[..., User]
) -> None:
    values = OBJECT_FACTORIES[page.name](org_b)
    user = make_user(org_a, _role_with(page.access))
    events_before = AuditEvent.objects.count()
    response = _fetch(verified_client(user), page.url(**values))
    assert response.status_code == 404
    assert "LEAK-MARKER" not in response.content.decode()
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", [p for p in ALL_PAGES if p.access in {STAFF, SIGNED_IN}], ids=lambda p: p.name
)
def test_staff_pages_open_for_any_verified_member(
    page: Page, org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.AUDITOR)
    response = _fetch(verified_client(user), page.url())
    assert response.status_code in {200, 302}


# --- the API -------------------------------------------------------------------------------------------

OPERATIONS = [
    (path, method.upper(), operation)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for method, operation in methods.items()
]

# Minimal valid bodies for operations that take one, so the permission check (not validation) is reached.
BODIES: dict[tuple[str, str], dict[str, Any]] = _collect(
    "API_BODIES",
    {
        ("/api/v1/reports", "POST"): {"narrative": "They took our passports at the border."},
    },
)


def _api_url(path: str) -> str:
    return re.sub(r"\{\w+\}", str(MISSING_ID), path)


def test_every_api_operation_declares_its_permission() -> None:
    undeclared = [f"{m} {p}" for p, m, op in OPERATIONS if EXTENSION not in op]
    assert undeclared == []
    values = {op[EXTENSION] for _p, _m, op in OPERATIONS}
    assert values <= {p.value for p in Permission} | {AUTHENTICATED}


def test_every_api_body_operation_has_a_sample_body() -> None:
    assert [(p, m) for p, m, op in OPERATIONS if "requestBody" in op and (p, m) not in BODIES] == []


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=lambda v: str(v)[:40])
def test_api_refuses_anonymous_callers(path: str, method: str, operation: dict[str, Any]) -> None:
    response = Client().generic(method, _api_url(path), data=b"{}", content_type="application/json")
    assert response.status_code == 401


@pytest.mark.django_db
def test_openapi_document_is_public_and_holds_no_data() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Tiaki API"


def _api_client(organisation: Organisation, role: Role) -> tuple[Client, str]:
    _key, secret = accounts_services.api_key_issue(
        actor=None, organisation=organisation, name="sys", role=role
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), secret


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "method", "operation"),
    [o for o in OPERATIONS if o[2][EXTENSION] != AUTHENTICATED],
    ids=lambda v: str(v)[:40],
)
def test_api_refuses_callers_without_the_permission(
    path: str, method: str, operation: dict[str, Any], org_a: Organisation
) -> None:
    permission = Permission(operation[EXTENSION])
    client, _ = _api_client(org_a, _role_without(permission))
    body = BODIES.get((path, method), {})
    reports_before = Report.objects.count()
    response = client.generic(
        method, _api_url(path), data=__import__("json").dumps(body), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == f"missing permission: {permission.value}"
    assert Report.objects.count() == reports_before


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=lambda v: str(v)[:40])
def test_api_admits_permitted_callers(
    path: str, method: str, operation: dict[str, Any], org_a: Organisation
) -> None:
    declared = operation[EXTENSION]
    role = Role.LIAISON_OFFICER if declared == AUTHENTICATED else _role_with(Permission(declared))
    client, _ = _api_client(org_a, role)
    body = BODIES.get((path, method), {})
    response = client.generic(
        method, _api_url(path), data=__import__("json").dumps(body), content_type="application/json"
    )
    success = min(int(code) for code in operation["responses"] if 200 <= int(code) < 300)
    expected = 404 if "{" in path else success
    assert response.status_code == expected, response.content


@pytest.mark.django_db
def test_api_does_not_show_another_organisations_report(org_a: Organisation, org_b: Organisation) -> None:
    theirs = Report.objects.create(organisation=org_b, channel=Channel.INTERVIEW, narrative="LEAK-MARKER")
    ours = Report.objects.create(organisation=org_a, channel=Channel.INTERVIEW, narrative="ours")
    client, _ = _api_client(org_a, Role.LIAISON_OFFICER)
    listing = client.get("/api/v1/reports").json()
    assert [r["id"] for r in listing["items"]] == [ours.pk]
    response = client.get(f"/api/v1/reports/{theirs.pk}")
    assert response.status_code == 404
    assert "LEAK-MARKER" not in response.content.decode()

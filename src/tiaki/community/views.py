"""Public pages (no account, light, no identifying data kept) and the staff pages for tips and directory."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tiaki.accounts.permissions import Permission
from tiaki.community import abuse, learn, passport, selectors, services
from tiaki.community.forms import (
    COUNTRY_NAMES,
    AddInformationForm,
    DirectoryEntryForm,
    PassportForm,
    PassportOpenForm,
    ReceiptForm,
    ReplyForm,
    TipForm,
)
from tiaki.community.models import DirectoryEntry, TipPhoto
from tiaki.intake.models import Report
from tiaki.web.access import AuthenticatedRequest, public, requires

_TOKEN_SALT = "tiaki.community.receipt"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE_SECONDS = 1800
OFFLINE_SECTIONS = ("", "learn/", "learn/signs/", "help/")


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _language_links(request: HttpRequest) -> list[dict[str, Any]]:
    current = _language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.path, code),
                "current": code == current,
            }
        )
    return links


def _public(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    base = {
        "language_links": _language_links(request),
        "sw_url": reverse("community:service_worker"),
        "sw_scope": reverse("community:home"),
    }
    return render(request, template, {**base, **(context or {})}, status=status)


# --- learn ---------------------------------------------------------------------------------------------


@public
def home(request: HttpRequest) -> HttpResponse:
    return _public(request, "community/home.html", {"content": learn.content_for(_language())})


@public
def learn_page(request: HttpRequest) -> HttpResponse:
    return _public(request, "community/learn.html", {"content": learn.content_for(_language())})


@public
def signs(request: HttpRequest) -> HttpResponse:
    return _public(request, "community/signs.html", {"content": learn.content_for(_language())})


@public
def neutral(request: HttpRequest) -> HttpResponse:
    """Where "Leave this site quickly" goes: an ordinary page that says nothing about this site's purpose."""
    return render(request, "community/neutral.html", {"today": timezone.now().date()})


# --- report a concern ----------------------------------------------------------------------------------


def _token_for(report: Report) -> str:
    return signing.dumps({"r": report.pk}, salt=_TOKEN_SALT)


def _report_from_token(token: str) -> Report | None:
    try:
        data = signing.loads(token, salt=_TOKEN_SALT, max_age=TOKEN_MAX_AGE_SECONDS)
        return Report.objects.get(pk=int(data["r"]))
    except (signing.BadSignature, Report.DoesNotExist, KeyError, TypeError, ValueError):
        return None


@public
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = TipForm(initial={"pow_challenge": abuse.challenge_issue()})
        return _public(request, "community/report.html", {"form": form})
    form = TipForm(request.POST, request.FILES)
    if not form.is_valid():
        fresh = request.POST.copy()
        fresh["pow_challenge"] = abuse.challenge_issue()
        fresh["pow_nonce"] = ""
        form.data = fresh
        return _public(request, "community/report.html", {"form": form}, status=400)
    if not abuse.tip_allowed():
        return _public(request, "community/busy.html", status=429)
    data = form.cleaned_data
    if not abuse.pow_valid(data["pow_challenge"], data["pow_nonce"]):
        # No script (or a stale challenge): the sender waits instead of computing.
        abuse.pause(abuse.NO_SCRIPT_DELAY_SECONDS)
    try:
        tip = services.tip_submit(
            actor=None,
            what=data["what"],
            where=data["where"],
            when=data["when"],
            who=data["who"],
            contact=data["contact"],
            country=data["country"],
            language=_language(),
            photo=data["photo"].read() if data.get("photo") else None,
        )
    except services.NoReceivingOrganisation:
        return _public(request, "community/busy.html", status=503)
    except ValidationError as error:
        form.add_error(None, error)
        return _public(request, "community/report.html", {"form": form}, status=400)
    return _public(
        request,
        "community/receipt_issued.html",
        {"receipt": services.format_receipt(tip.receipt)},
    )


def _thread(
    request: HttpRequest, report: Report, form: AddInformationForm | None = None, added: bool = False
) -> HttpResponse:
    return _public(
        request,
        "community/thread.html",
        {
            "report": report,
            "messages_list": selectors.reporter_messages(report=report),
            "form": form or AddInformationForm(initial={"token": _token_for(report)}),
            "added": added,
        },
    )


@public
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    """Come back with a receipt: read replies and add information.

    A wrong receipt and an unknown one produce the same bytes: the failure page carries no form, no CSRF
    token and no nonce, so nothing in it varies with the code that was tried.
    """
    if request.method != "POST":
        return _public(request, "community/receipt.html", {"form": ReceiptForm()})
    if "token" in request.POST:
        add_form = AddInformationForm(request.POST)
        opened = _report_from_token(request.POST.get("token", ""))
        if opened is None:
            return _public(request, "community/receipt_failed.html", status=200)
        if not add_form.is_valid():
            return _thread(request, opened, add_form)
        services.tip_add_information(actor=None, report=opened, text=add_form.cleaned_data["text"])
        return _thread(request, opened, added=True)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return _public(request, "community/receipt.html", {"form": form}, status=400)
    abuse.receipt_wait()
    found = services.receipt_verify(code=form.cleaned_data["receipt"])
    if found is None:
        abuse.receipt_failed()
        return _public(request, "community/receipt_failed.html", status=200)
    return _thread(request, found)


# --- get help, how you can help ------------------------------------------------------------------------


@public
def get_help(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country", "").upper()
    if country not in COUNTRY_NAMES:
        country = ""
    entries = selectors.directory(country=country)
    groups: dict[str, list[DirectoryEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.country, []).append(entry)
    return _public(
        request,
        "community/get_help.html",
        {
            "groups": [(code, COUNTRY_NAMES[code], groups[code]) for code in COUNTRY_NAMES if code in groups],
            "countries": COUNTRY_NAMES.items(),
            "country": country,
        },
    )


@public
def help_others(request: HttpRequest) -> HttpResponse:
    return _public(
        request,
        "community/help_others.html",
        {
            "partners": selectors.partner_list(),
            "country_names": COUNTRY_NAMES,
            "nz": selectors.directory(country="NZ"),
        },
    )


# --- Safe Migration Passport ---------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def passport_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = PassportForm(initial={"language": _language()})
        return _public(request, "community/passport.html", {"form": form})
    form = PassportForm(request.POST)
    if not form.is_valid():
        return _public(
            request,
            "community/passport.html",
            {"form": form},
            status=400,
        )
    details = passport.PassportDetails(**form.details())
    kept_number = ""
    if form.cleaned_data["keep"]:
        kept_number = services.passport_keep(
            actor=None, details=details, passphrase=form.cleaned_data["passphrase"]
        )
    return _passport_download(request, details, kept_number=kept_number)


def _passport_download(
    request: HttpRequest, details: passport.PassportDetails, kept_number: str = ""
) -> HttpResponse:
    with translation.override(details.language):
        help_url = request.build_absolute_uri(reverse("community:help")) + f"?country={details.destination}"
        open_url = request.build_absolute_uri(reverse("community:passport_open"))
    pdf = passport.passport_pdf(
        details, help_url=help_url, kept_number=services.format_receipt(kept_number), open_url=open_url
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="safe-migration-passport.pdf"'
    return response


@public
@require_http_methods(["GET", "POST"])
def passport_open(request: HttpRequest) -> HttpResponse:
    """Open (or delete) a kept passport with its number and passphrase; failures all look the same."""
    if request.method != "POST":
        return _public(request, "community/passport_open.html", {"form": PassportOpenForm()})
    form = PassportOpenForm(request.POST)
    if not form.is_valid():
        return _public(request, "community/passport_open.html", {"form": form}, status=400)
    abuse.receipt_wait(abuse.PASSPORT_FAILURES)
    number, passphrase = form.cleaned_data["number"], form.cleaned_data["passphrase"]
    if form.cleaned_data["forget"]:
        if services.passport_forget(actor=None, number=number, passphrase=passphrase):
            return _public(request, "community/passport_forgotten.html")
        abuse.receipt_failed(abuse.PASSPORT_FAILURES)
        return _public(request, "community/passport_open_failed.html")
    details = services.passport_open(actor=None, number=number, passphrase=passphrase)
    if details is None:
        abuse.receipt_failed(abuse.PASSPORT_FAILURES)
        return _public(request, "community/passport_open_failed.html")
    return _passport_download(request, details, kept_number=services.normalise_receipt(number))


# --- offline -------------------------------------------------------------------------------------------


@public
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the language root so its scope covers that language's pages."""
    root = reverse("community:home")
    from django.templatetags.static import static

    body = render(
        request,
        "community/sw.js",
        {
            "cache_name": f"tiaki-{_language()}-v1",
            "pages": [root + section for section in OFFLINE_SECTIONS],
            "assets": [static("community/css/community.css"), static("community/js/public.js")],
        },
        content_type="text/javascript; charset=utf-8",
    )
    body["Cache-Control"] = "no-cache"
    return body


# --- staff ---------------------------------------------------------------------------------------------


@requires(Permission.TIP_REPLY)
def tip_inbox(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "community/tip_inbox.html", {"tips": selectors.tip_list(user=request.user)[:200]})


@requires(Permission.TIP_REPLY)
@require_http_methods(["GET", "POST"])
def tip_thread(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    try:
        tip = selectors.tip_get(user=request.user, report_id=report_id)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tip_reply(actor=request.user, report=tip, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            return redirect("community:tip_thread", report_id=tip.pk)
    tip, messages_list = selectors.tip_read(user=request.user, report_id=report_id)
    return render(
        request,
        "community/tip_thread.html",
        {"tip": tip, "messages_list": messages_list, "form": form, "photos": tip.tip_photos.all()},
    )


@requires(Permission.TIP_REPLY)
def tip_photo(request: AuthenticatedRequest, photo_id: int) -> HttpResponse:
    try:
        photo, data = selectors.tip_photo_read(user=request.user, photo_id=photo_id)
    except TipPhoto.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type=photo.content_type)
    response["Content-Disposition"] = f'attachment; filename="tip-photo-{photo.pk}"'
    return response


@requires(Permission.DIRECTORY_EDIT)
@require_http_methods(["GET", "POST"])
def directory_manage(request: AuthenticatedRequest) -> HttpResponse:
    """List every entry and edit one (?entry=<id>) or add a new one; the entry id travels in the query."""
    entry = None
    if request.GET.get("entry", "").isdecimal():
        entry = DirectoryEntry.objects.filter(pk=int(request.GET["entry"])).first()
        if entry is None:
            raise Http404
    form = DirectoryEntryForm(request.POST or None, instance=entry)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.directory_entry_save(
                actor=request.user, entry=entry if entry is not None else None, values=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            saved = True
            form = DirectoryEntryForm(instance=entry)
    return render(
        request,
        "community/directory_manage.html",
        {
            "entries": selectors.directory_all(),
            "form": form,
            "entry": entry,
            "saved": saved,
            "optional_label": _("optional"),
        },
    )


# --- self-check ------------------------------------------------------------------------------------------


@public
def self_check(request: HttpRequest) -> HttpResponse:
    """A migrant checks their own situation. Nothing is stored: the answers live only in this response."""
    from tiaki.screening import questionnaires
    from tiaki.screening.forms import QuestionnaireForm
    from tiaki.screening.labels import INDICATOR_LABELS

    language = _language() if _language() in questionnaires.LANGUAGES else "en"
    questionnaire = questionnaires.load("self_check")
    form = QuestionnaireForm(questionnaire, language, request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "questionnaire": questionnaire,
        "form": form,
        "title": questionnaire.title[language],
        "intro": questionnaire.intro[language],
    }
    if request.method == "POST" and form.is_valid():
        answers = {k: str(v) for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            result = questionnaires.score(questionnaire, answers, language=language)
        except questionnaires.QuestionnaireError:
            form.add_error(None, _("Please check your answers."))
        else:
            context["result"] = result
            context["signs"] = sorted({str(INDICATOR_LABELS.get(i.code, i.code)) for i in result.indicators})
    response = _public(request, "community/self_check.html", context)
    response["Cache-Control"] = "no-store"
    return response

"""Anonymous tips: receipts, the conversation, abuse limits without identity, nothing identifying kept."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.community import abuse, selectors, services
from tiaki.community.models import AbuseCounter, Direction, ReceiptCredential, TipMessage
from tiaki.governance import policy
from tiaki.governance.models import AuditEvent
from tiaki.intake.models import Channel, Report

from ..conftest import verified_client
from .conftest import USER_AGENT, solved

RECEIPT = re.compile(r'<span class="receipt-code" data-receipt>(\d{4} \d{4} \d{4} \d{4})</span>')


def _submit(client: Client, language: str = "en", **fields: str) -> tuple[int, str]:
    response = client.post(f"/{language}/report/", solved({"what": "Workers locked in at night.", **fields}))
    return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_a_tip_becomes_a_public_tip_report_for_the_receiving_organisation(
    receiving_org: Organisation, pauses: list[float]
) -> None:
    status, html = _submit(
        Client(),
        "vi",
        where="Farm near the river",
        when="last week",
        who="the boss",
        contact="",
        country="TH",
    )
    assert status == 200
    code = RECEIPT.search(html).group(1).replace(" ", "")  # type: ignore[union-attr]
    report = Report.objects.get()
    assert (report.organisation, report.channel, report.language, report.country) == (
        receiving_org,
        Channel.PUBLIC_TIP,
        "vi",
        "TH",
    )
    assert report.narrative == "Workers locked in at night.\n\nWhen: last week\n\nWho: the boss"
    assert report.place == "Farm near the river"
    assert report.created_by is None
    credential = ReceiptCredential.objects.get(report=report)
    assert credential.code_hash.startswith("$argon2id$")
    assert code not in credential.lookup and code[:8] not in credential.lookup
    assert pauses == []  # the proof of work was solved: no fallback delay
    assert list(
        AuditEvent.objects.filter(object_type="intake.report", object_id=str(report.pk)).values_list(
            "action", flat=True
        )
    ) == [
        "report.submit",
        "tip.receipt",
    ]


@pytest.mark.django_db
def test_the_receipt_code_is_nowhere_in_the_database(
    receiving_org: Organisation, pauses: list[float]
) -> None:
    _status, html = _submit(Client())
    code = RECEIPT.search(html).group(1).replace(" ", "")  # type: ignore[union-attr]
    assert _database_contains(code) == []
    assert _database_contains(code[:8]) == []


def test_routing_uses_the_mapping_then_the_first_immigration_service(
    make_organisation: Callable[..., Organisation], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_organisation("Immigration One", org_type="immigration_service", country="NZ")
    make_organisation("Immigration Two", org_type="immigration_service", country="NZ")
    partner = make_organisation("Thai Partner", org_type="ngo", country="TH")
    monkeypatch.setattr(services, "tip_routes", lambda: {"TH": partner.code})
    assert services.receiving_organisation("TH") == partner
    assert services.receiving_organisation("VN") == first
    assert services.receiving_organisation("") == first
    partner.active = False
    partner.save(update_fields=["active"])
    assert services.receiving_organisation("TH") == first


@pytest.mark.django_db
def test_without_a_receiving_organisation_nothing_is_saved(pauses: list[float]) -> None:
    status, html = _submit(Client())
    assert status == 503
    assert Report.objects.count() == 0
    assert "Nothing was saved" in html


@pytest.mark.django_db
def test_description_is_required(receiving_org: Organisation) -> None:
    response = Client().post("/en/report/", solved({"what": "   "}))
    assert response.status_code == 400
    assert Report.objects.count() == 0
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.django_db
def test_come_back_read_the_staff_reply_and_add_information(
    tip: services.SubmittedTip, officer: User, pauses: list[float]
) -> None:
    services.tip_reply(actor=officer, report=tip.report, text="Thank you. Are the workers still there?")
    client = Client()
    response = client.post("/th/report/receipt/", {"receipt": services.format_receipt(tip.receipt)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thank you. Are the workers still there?" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    added = client.post("/th/report/receipt/", {"token": token, "text": "Yes, twelve of them."})
    assert added.status_code == 200
    assert "Yes, twelve of them." in added.content.decode()
    assert [(m.direction, m.text) for m in TipMessage.objects.filter(report=tip.report)] == [
        (Direction.OUT, "Thank you. Are the workers still there?"),
        (Direction.IN, "Yes, twelve of them."),
    ]
    assert AuditEvent.objects.filter(action="tip.add_information", actor_id=None).count() == 1


@pytest.mark.django_db
def test_a_forged_token_opens_nothing(tip: services.SubmittedTip) -> None:
    response = Client().post("/en/report/receipt/", {"token": f"{tip.report.pk}:forged", "text": "spam"})
    assert "We could not open a report with that code" in response.content.decode()
    assert TipMessage.objects.count() == 0


@pytest.mark.django_db
def test_wrong_and_unknown_receipts_get_byte_identical_answers(
    tip: services.SubmittedTip, pauses: list[float]
) -> None:
    wrong = tip.receipt[:8] + f"{(int(tip.receipt[8:]) + 1) % 10**8:08d}"  # right row, wrong secret half
    unknown = f"{(int(tip.receipt[:8]) + 1) % 10**8:08d}" + tip.receipt[8:]  # no such row
    answers = [Client().post("/en/report/receipt/", {"receipt": code}) for code in (wrong, unknown, "12")]
    assert answers[0].status_code == answers[1].status_code == answers[2].status_code == 200
    assert answers[0].content == answers[1].content == answers[2].content
    assert "We could not open a report with that code" in answers[0].content.decode()
    assert list(answers[0].cookies) == list(answers[1].cookies) == []


@pytest.mark.django_db
def test_repeated_wrong_receipts_slow_every_check_down(
    tip: services.SubmittedTip, pauses: list[float]
) -> None:
    client = Client()
    for attempt in range(9):
        client.post("/en/report/receipt/", {"receipt": f"{attempt:016d}"})
    # five free failures, then 0.25 s doubling: the 6th..9th checks waited 0.25, 0.5, 1, 2 seconds
    assert pauses == [0.25, 0.5, 1.0, 2.0]
    # the right code is slowed too (no one is singled out), and still opens the report
    opened = client.post("/en/report/receipt/", {"receipt": tip.receipt})
    assert "Your report" in opened.content.decode()
    assert pauses[-1] == 4.0
    assert abuse.receipt_delay(100) == abuse.RECEIPT_MAX_DELAY_SECONDS
    # the counters name no one
    assert set(AbuseCounter.objects.values_list("key", flat=True)) == {"receipt.failure"}


@pytest.mark.django_db
def test_without_proof_of_work_the_sender_waits_and_a_spent_challenge_cannot_be_reused(
    receiving_org: Organisation, pauses: list[float]
) -> None:
    client = Client()
    client.post("/en/report/", {"what": "No script here.", "pow_challenge": "", "pow_nonce": ""})
    assert pauses == [abuse.NO_SCRIPT_DELAY_SECONDS]
    post = solved({"what": "Solved once."})
    client.post("/en/report/", post)
    assert pauses == [abuse.NO_SCRIPT_DELAY_SECONDS]
    client.post("/en/report/", post)  # replaying the same solution
    assert pauses == [abuse.NO_SCRIPT_DELAY_SECONDS, abuse.NO_SCRIPT_DELAY_SECONDS]
    assert Report.objects.count() == 3


@pytest.mark.django_db
@override_settings(TIAKI_TIP_RATE_LIMIT=2)
def test_the_global_rate_limit_turns_tips_away_without_saving_them(
    receiving_org: Organisation, pauses: list[float]
) -> None:
    statuses = [_submit(Client())[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Report.objects.count() == 2


def _text_columns() -> list[tuple[str, str]]:
    columns = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                columns.append((table, column.name))
    return columns


def _database_contains(needle: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            cursor.execute(
                f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE %s', [f"%{needle}%"]
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


@pytest.mark.django_db
def test_no_address_or_user_agent_is_kept_in_the_database_or_the_logs(
    receiving_org: Organisation, officer: User, pauses: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # Django's request logger does not propagate to the root logger: listen to it (at every level) directly.
    caplog.set_level(logging.DEBUG)
    for name in ("django.request", "django.server", "django.security", "tiaki"):
        caplog.set_level(logging.DEBUG, logger=name)
        logging.getLogger(name).addHandler(caplog.handler)
    client = Client(HTTP_USER_AGENT=USER_AGENT, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1")
    _status, html = _submit(client, "my", contact="", where="Yangon")
    code = RECEIPT.search(html).group(1)  # type: ignore[union-attr]
    client.post("/my/report/receipt/", {"receipt": "0000 0000 0000 0000"})  # a wrong receipt
    opened = client.post("/my/report/receipt/", {"receipt": code})
    token = re.search(r'name="token" value="([^"]+)"', opened.content.decode()).group(1)  # type: ignore[union-attr]
    client.post("/my/report/receipt/", {"token": token, "text": "More details."})
    client.post("/my/report/", {"what": ""})  # a 400
    client.get("/my/report/no-such-page/")  # a 404
    assert _database_contains("127.0.0.1") == []
    assert _database_contains(USER_AGENT) == []
    assert _database_contains("TiakiTestBrowser") == []
    for name in ("django.request", "django.server", "django.security", "tiaki"):
        logging.getLogger(name).removeHandler(caplog.handler)
    assert "Not Found: /my/report/no-such-page/" in caplog.text  # the 4xx log lines were captured
    assert "Bad Request: /my/report/" in caplog.text
    assert "127.0.0.1" not in caplog.text
    assert "TiakiTestBrowser" not in caplog.text
    assert list(client.cookies) == ["csrftoken"]


@pytest.mark.django_db
def test_staff_reply_needs_tip_reply_in_the_reports_organisation(
    tip: services.SubmittedTip,
    make_organisation: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    analyst = make_user(tip.report.organisation, Role.ANALYST)
    elsewhere = make_user(
        make_organisation("Other Immigration", org_type="immigration_service"), Role.LIAISON_OFFICER
    )
    for user in (analyst, elsewhere):
        with pytest.raises(policy.Denied):
            services.tip_reply(actor=user, report=tip.report, text="hello")
        with pytest.raises((Report.DoesNotExist, policy.Denied)):
            selectors.tip_get(user=user, report_id=tip.report.pk)
    assert TipMessage.objects.count() == 0


@pytest.mark.django_db
def test_staff_thread_page_shows_the_tip_and_records_the_read_and_the_reply(
    tip: services.SubmittedTip, officer: User
) -> None:
    client = verified_client(officer)
    page = client.get(f"/en/tips/{tip.report.pk}/")
    assert page.status_code == 200
    assert "They took our passports at the farm." in page.content.decode()
    response = client.post(f"/en/tips/{tip.report.pk}/", {"text": "We are looking into it."})
    assert response.status_code == 302
    message = TipMessage.objects.get()
    assert (message.direction, message.text) == (Direction.OUT, "We are looking into it.")
    assert list(AuditEvent.objects.filter(actor_id=officer.pk).values_list("action", flat=True)) == [
        "tip.read",
        "tip.reply",
    ]
    inbox = client.get("/en/tips/").content.decode()
    assert f'href="/en/tips/{tip.report.pk}/"' in inbox


@pytest.mark.django_db
def test_empty_messages_are_refused(tip: services.SubmittedTip, officer: User) -> None:
    with pytest.raises(ValidationError):
        services.tip_reply(actor=officer, report=tip.report, text="  ")
    with pytest.raises(ValidationError):
        services.tip_add_information(report=tip.report, text="")

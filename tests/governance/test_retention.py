"""Retention: due records are shredded, their month's key destroyed, all audited; nothing else moves."""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.community import services as community
from tiaki.community.models import ReceiptCredential, SavedPassport, TipMessage, TipPhoto
from tiaki.governance import audit, crypto, files, retention
from tiaki.governance.models import AuditEvent
from tiaki.intake import services as intake
from tiaki.intake.models import Channel, Report, ReportStatus

from ..conftest import verified_client

NOW = timezone.now()
SHREDDED = "[deleted: retention period ended]"


def at(moment: dt.datetime) -> Any:
    """Run the code inside at another moment: the clock is the outside world here."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def month(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m}"


def stored(table: str, column: str, pk: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        row = cursor.fetchone()
    return None if row is None else str(row[0])


def photo_bytes() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(image, format="PNG")
    return image.getvalue()


@pytest.fixture(autouse=True)
def key_directory(tmp_path: Path) -> Iterator[Path]:
    """Each test has its own data directory, so its own period keys and files: destroying a month's key
    must not reach another test's data."""
    with override_settings(DATA_DIR=tmp_path):
        yield tmp_path / "retention-keys"


@pytest.fixture
def receiving_org(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation("Tip desk", org_type="immigration_service", country="NZ")


@pytest.fixture
def officer(receiving_org: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(receiving_org, Role.LIAISON_OFFICER, "tipofficer")


def tip(officer: User, *, received: dt.datetime, closed: dt.datetime | None, words: str) -> Report:
    """A public tip as the portal makes it, with a photo, a reply, and (optionally) closed at `closed`."""
    with at(received):
        submitted = community.tip_submit(actor=None, what=words, country="NZ", photo=photo_bytes())
        community.tip_reply(actor=officer, report=submitted.report, text=f"reply to {words}")
    if closed is not None:
        with at(closed):
            intake.report_set_status(actor=officer, report=submitted.report, status=ReportStatus.CLOSED)
    return submitted.report


@pytest.fixture
def tips(officer: User) -> dict[str, Report]:
    return {
        "old": tip(
            officer, received=NOW - dt.timedelta(days=200), closed=NOW - dt.timedelta(days=91), words="OLD"
        ),
        "recent": tip(
            officer, received=NOW - dt.timedelta(days=100), closed=NOW - dt.timedelta(days=89), words="RECENT"
        ),
        "open": tip(officer, received=NOW - dt.timedelta(days=150), closed=None, words="OPEN"),
    }


def narrative(report: Report) -> str:
    return Report.objects.get(pk=report.pk).narrative


# --- the policy file -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shipped_policy_file_loads() -> None:
    loaded = retention.load()
    assert [p.record_type for p in loaded.policies] == [
        "anonymous_tip",
        "partner_report",
        "survivor_case",
        "watchlist_screening",
    ]
    tips_policy = loaded.by_type("anonymous_tip")
    assert tips_policy is not None
    assert (tips_policy.keep_days, tips_policy.action, tips_policy.clock_event) == (
        90,
        "blank",
        ("report.status", "closed"),
    )
    assert [part.label for part in tips_policy.parts] == [
        "community.tipmessage",
        "community.tipphoto",
        "community.receiptcredential",
        "screening.reportscreening",
        "resolution.mention",
    ]


GOOD = """
version = 1
[[policy]]
record_type = "anonymous_tip"
model = "intake.report"
match = { channel = "public_tip" }
period_field = "received_at"
clock_event = "report.status:closed"
require = { status = "closed" }
keep_days = 90
action = "blank"
legal_basis = "test"
[[policy.parts]]
model = "community.tipmessage"
via = "report"
action = "delete"
"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("version = 1", "version = 2"), "version"),
        (("keep_days = 90", "keep_days = 0"), "keep_days"),
        (("keep_days = 90", 'keep_days = "90"'), "keep_days"),
        (('action = "blank"', 'action = "archive"'), "action: one of delete, blank"),
        (('legal_basis = "test"', 'legal_basis = ""'), "legal_basis"),
        (('model = "intake.report"', 'model = "intake.nosuch"'), "no model 'intake.nosuch'"),
        (('model = "intake.report"', 'model = "governance.auditevent"'), "audit trail is never deleted"),
        (('period_field = "received_at"', 'period_field = "narrative"'), "not a date field"),
        (('period_field = "received_at"', 'period_field = "nosuch"'), "has no field 'nosuch'"),
        (
            ('clock_event = "report.status:closed"', 'clock = "received_at"\nclock_event = "x:y"'),
            "exactly one",
        ),
        (('require = { status = "closed" }', "require = { nosuch = 1 }"), "require"),
        (('match = { channel = "public_tip" }', 'match = { channel__in = ["x"] }'), "match.channel__in"),
        (('via = "report"', 'via = "direction"'), "not a foreign key"),
        (('action = "delete"', 'action = "delete"\nkeep = 1'), "unknown key(s) keep"),
        (('record_type = "anonymous_tip"', 'record_type = "Tips!"'), "record_type"),
    ],
)
def test_a_bad_policy_file_is_refused_with_a_clear_message(change: tuple[str, str], message: str) -> None:
    before, after = change
    assert before in GOOD
    with pytest.raises(retention.PolicyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        retention.parse(tomllib.loads(GOOD.replace(before, after, 1)))


@pytest.mark.django_db
def test_an_uninstalled_optional_model_is_skipped_not_an_error() -> None:
    document = tomllib.loads(
        GOOD.replace('model = "community.tipmessage"', 'model = "nowhere.hit"\nif_installed = true')
    )
    assert [p.label for p in retention.parse(document).policies[0].parts] == []
    with pytest.raises(retention.PolicyError, match=r"no model 'nowhere\.hit'"):
        retention.parse(
            tomllib.loads(GOOD.replace('model = "community.tipmessage"', 'model = "nowhere.hit"'))
        )


# --- which key encrypts what -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tip_and_its_parts_are_encrypted_with_their_months_key(
    tips: dict[str, Report], org_a: Organisation, key_directory: Path
) -> None:
    old = tips["old"]
    key_id = f"anonymous_tip@{month(NOW - dt.timedelta(days=200))}"
    assert stored("intake_report", "narrative", old.pk).startswith(f"tk1:{key_id}:")
    message = TipMessage.objects.get(report=old)
    assert stored("community_tipmessage", "text", message.pk).startswith(f"tk1:{key_id}:")
    photo = TipPhoto.objects.get(report=old)
    sealed_photo = (files._directory() / f"{photo.storage_key}.bin").read_text()
    assert sealed_photo.startswith(f"tk1:{key_id}:")
    # Outside a period-key policy the master key is used, as before.
    interview = intake.report_submit(actor=None, organisation=org_a, channel=Channel.IMPORT, narrative="kept")
    assert stored("intake_report", "narrative", interview.pk).startswith(
        f"tk1:{crypto.keyring().current_id}:"
    )
    # Keys live outside the database, wrapped by the master key; three months, three keys.
    assert sorted(p.name for p in key_directory.iterdir()) == sorted(
        f"anonymous_tip@{month(NOW - dt.timedelta(days=d))}.key" for d in (200, 150, 100)
    )
    assert (key_directory / f"{key_id}.key").read_text().startswith(f"tk1:{crypto.keyring().current_id}:")


# --- applying the policy ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tip_closed_91_days_ago_is_shredded_and_one_closed_89_days_ago_is_not(
    tips: dict[str, Report], key_directory: Path
) -> None:
    old, recent, still_open = tips["old"], tips["recent"], tips["open"]
    period = month(NOW - dt.timedelta(days=200))
    photo_key = TipPhoto.objects.get(report=old).storage_key
    with at(NOW):
        outcomes = retention.run(now=NOW)
    assert [(o.record_type, o.period, o.rows, o.parts, o.key_destroyed) for o in outcomes] == [
        (
            "anonymous_tip",
            period,
            1,
            {
                "community.tipmessage": 1,
                "community.tipphoto": 1,
                "community.receiptcredential": 1,
                "screening.reportscreening": 0,
                "resolution.mention": 0,
            },
            True,
        )
    ]
    # The shredded tip: the row stays (counts, status, dates), its words are gone; its parts are deleted.
    shredded = Report.objects.get(pk=old.pk)
    assert shredded.narrative == SHREDDED and crypto.is_shredded(shredded.narrative)
    assert shredded.place == SHREDDED
    assert (shredded.channel, shredded.status) == (Channel.PUBLIC_TIP, ReportStatus.CLOSED)
    assert stored("intake_report", "narrative", old.pk) == crypto.SHREDDED_TOKEN
    assert not TipMessage.objects.filter(report=old).exists()
    assert not TipPhoto.objects.filter(report=old).exists()
    assert not ReceiptCredential.objects.filter(report=old).exists()
    assert not (files._directory() / f"{photo_key}.bin").exists()
    # The month's key is destroyed; a tombstone says so and stops the id ever being reused.
    assert not (key_directory / f"anonymous_tip@{period}.key").exists()
    assert (key_directory / f"anonymous_tip@{period}.shredded").exists()
    assert crypto.period_keys().ensure(f"anonymous_tip@{period}") is False
    # The tip closed 89 days ago and the open one are untouched.
    assert narrative(recent).startswith("RECENT")
    assert narrative(still_open).startswith("OPEN")
    assert TipMessage.objects.filter(report__in=[recent, still_open]).count() == 2
    assert (key_directory / f"anonymous_tip@{month(NOW - dt.timedelta(days=100))}.key").exists()
    # Audited with counts and the period only; the chain verifies through the CLI.
    events = list(AuditEvent.objects.filter(action__startswith="retention.").order_by("sequence"))
    assert [(e.action, e.actor_label, e.object_type, e.details) for e in events] == [
        (
            "retention.shred",
            "system",
            "intake.report",
            {
                "record_type": "anonymous_tip",
                "period": period,
                "action": "blank",
                "rows": 1,
                "parts": {
                    "community.tipmessage": 1,
                    "community.tipphoto": 1,
                    "community.receiptcredential": 1,
                    "screening.reportscreening": 0,
                    "resolution.mention": 0,
                },
            },
        ),
        (
            "retention.key_destroy",
            "system",
            "intake.report",
            {"record_type": "anonymous_tip", "period": period, "key_id": f"anonymous_tip@{period}"},
        ),
    ]
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("audit chain intact:")
    # A second run finds nothing more to do.
    assert retention.run(now=NOW) == []


@pytest.mark.django_db
def test_a_due_record_is_blanked_at_once_but_its_months_key_waits_for_the_rest_of_the_month(
    officer: User, key_directory: Path
) -> None:
    received = NOW - dt.timedelta(days=200)
    done = tip(officer, received=received, closed=NOW - dt.timedelta(days=91), words="DONE")
    pending = tip(officer, received=received + dt.timedelta(minutes=1), closed=None, words="PENDING")
    if month(received) != month(received + dt.timedelta(minutes=1)):  # pragma: no cover - midnight
        pytest.skip("the two tips straddle a month boundary")
    [outcome] = retention.run(now=NOW)
    assert (outcome.rows, outcome.key_destroyed) == (1, False)
    assert narrative(done) == SHREDDED
    assert narrative(pending).startswith("PENDING")
    assert (key_directory / f"anonymous_tip@{month(received)}.key").exists()


@pytest.mark.django_db
def test_a_dry_run_lists_what_is_due_and_changes_nothing(
    tips: dict[str, Report], key_directory: Path
) -> None:
    keys_before = sorted(p.name for p in key_directory.iterdir())
    events_before = AuditEvent.objects.count()
    out, err = io.StringIO(), io.StringIO()
    call_command("retention", "--dry-run", stdout=out, stderr=err)
    assert out.getvalue() == "dry run: 1 records due; 1 period keys would be destroyed\n"
    period = month(NOW - dt.timedelta(days=200))
    assert f"anonymous_tip {period}: 1 records (" in err.getvalue()
    assert "; key destroyed" in err.getvalue()
    assert narrative(tips["old"]).startswith("OLD")
    assert TipMessage.objects.filter(report=tips["old"]).count() == 1
    assert sorted(p.name for p in key_directory.iterdir()) == keys_before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_the_command_applies_the_policy_with_progress(tips: dict[str, Report]) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("retention", stdout=out, stderr=err)
    assert out.getvalue() == "retention applied: 1 records shredded; 1 period keys destroyed\n"
    assert "anonymous_tip: intake.report, blank 90 days after report.status → closed" in err.getvalue()
    assert f"anonymous_tip {month(NOW - dt.timedelta(days=200))}: key destroyed" in err.getvalue()


@pytest.mark.django_db
def test_a_record_type_without_a_policy_is_never_touched(
    tips: dict[str, Report], org_a: Organisation, key_directory: Path
) -> None:
    only_tips = retention.parse(tomllib.loads(GOOD))
    ancient = NOW - dt.timedelta(days=3650)
    partner = intake.report_submit(
        actor=None, organisation=org_a, channel=Channel.INTERVIEW, narrative="PARTNER", received_at=ancient
    )
    passport = SavedPassport.objects.create(lookup="x" * 64, salt="s", sealed="PASSPORT")
    # A period key of a record type the policy set does not name, long unused: left alone.
    assert crypto.period_keys().ensure("survivor_case@2016-01")
    retention.run(now=NOW, policy_set=only_tips)
    assert narrative(partner) == "PARTNER"
    assert SavedPassport.objects.get(pk=passport.pk).sealed == "PASSPORT"
    assert (key_directory / "survivor_case@2016-01.key").exists()
    # Audit events are never deleted or blanked.
    assert audit.verify().ok


@pytest.mark.django_db
def test_key_rotation_leaves_period_keys_in_place(tips: dict[str, Report]) -> None:
    before = stored("intake_report", "narrative", tips["old"].pk)
    call_command("keys", "rotate", stdout=io.StringIO(), stderr=io.StringIO())
    assert stored("intake_report", "narrative", tips["old"].pk) == before
    assert narrative(tips["old"]).startswith("OLD")


# --- pages ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_showing_a_shredded_tip_do_not_crash(tips: dict[str, Report], officer: User) -> None:
    photo = TipPhoto.objects.get(report=tips["old"])
    retention.run(now=NOW)
    client = verified_client(officer)
    thread = client.get(reverse("community:tip_thread", kwargs={"report_id": tips["old"].pk}))
    assert thread.status_code == 200
    assert SHREDDED in thread.content.decode()
    assert client.get(reverse("community:tip_photo", kwargs={"photo_id": photo.pk})).status_code == 404
    assert client.get(reverse("community:tip_inbox")).status_code == 200
    detail = client.get(reverse("intake:report_detail", kwargs={"report_id": tips["old"].pk}))
    assert detail.status_code == 200
    assert SHREDDED in detail.content.decode() and "OLD" not in detail.content.decode()
    assert client.get(reverse("intake:report_list")).status_code == 200


@pytest.mark.django_db
def test_a_closed_case_past_retention_is_blanked_and_its_page_still_opens(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    from tiaki.cases import services as cases
    from tiaki.cases.models import Case, CaseNote

    supervisor = make_user(org_a, Role.CASE_SUPERVISOR, "supervisor")
    opened = NOW - dt.timedelta(days=4000)
    with at(opened):
        case = cases.case_open(
            actor=supervisor, organisation=org_a, identity={"first_name": "Lan"}, gender="Feminine"
        )
        cases.note_add(actor=supervisor, case=case, text="NOTE")
        cases.case_close(actor=supervisor, case=case, reason="REASON")
    key_id = f"survivor_case@{month(opened)}"
    assert stored("cases_case", "identity", case.pk).startswith(f"tk1:{key_id}:")
    [outcome] = retention.run(now=NOW)
    assert (outcome.record_type, outcome.rows, outcome.parts["cases.casenote"], outcome.key_destroyed) == (
        "survivor_case",
        1,
        1,
        True,
    )
    kept = Case.objects.get(pk=case.pk)
    assert kept.identity == {} and crypto.is_shredded(kept.identity)
    assert kept.reason_for_case_closure == SHREDDED
    assert CaseNote.objects.get(case=case).text == SHREDDED
    page = verified_client(supervisor).get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    assert page.status_code == 200
    assert "NOTE" not in page.content.decode() and SHREDDED in page.content.decode()


# --- the worker ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_worker_queues_one_daily_run() -> None:
    from django_tasks import default_task_backend
    from django_tasks_db.models import DBTaskResult

    from tiaki.governance import tasks

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        assert default_task_backend.supports_defer
        assert tasks.schedule_retention() is True
        assert tasks.schedule_retention() is False  # one waiting run is enough
        assert DBTaskResult.objects.filter(task_path=tasks.retention_daily.module_path).count() == 1


@pytest.mark.django_db
def test_a_large_month_goes_in_batches_each_with_its_own_event(
    officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    received = NOW - dt.timedelta(days=200)
    for words in ("A", "B", "C"):
        tip(officer, received=received, closed=NOW - dt.timedelta(days=91), words=words)
    monkeypatch.setattr(retention, "BATCH", 2)
    [outcome] = retention.run(now=NOW)
    assert (outcome.rows, outcome.parts["community.tipmessage"], outcome.key_destroyed) == (3, 3, True)
    assert [e.details["rows"] for e in AuditEvent.objects.filter(action="retention.shred")] == [2, 1]

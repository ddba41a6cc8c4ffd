"""The protection story end to end in a real browser, checking at every step who sees what.

A liaison officer in Bangkok identifies a Vietnamese survivor from a report, records consent, refers her to
the NGO in Hanoi; the NGO accepts, plans her safe return, records reception and the 3-month follow-up.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.cases.models import Case, FollowUp, ReturnStepKind
from tiaki.governance.models import AuditEvent
from tiaki.governance.services import sharing_agreement_set
from tiaki.intake.models import Channel, Report

from .conftest import screenshot

PASSWORD = "correct horse battery staple"
SURVIVOR = "Nguyễn Thị Thảo"


def _sign_in(browser: Any, base: str, user: User) -> Any:
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile("/two-factor/"))
    page.get_by_label(re.compile("Six-digit code")).fill(
        f"{totp(TOTPDevice.objects.get(user=user).bin_key):06d}"
    )
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/en/staff/$"))
    return page


def _status_of(page: Any, url: str) -> int:
    return page.goto(url).status


@pytest.mark.django_db(transaction=True)
def test_identification_referral_return_and_follow_up(
    chromium: Any,
    live_server: Any,
    make_organisation: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    base = live_server.url
    post = make_organisation("NZ Immigration – Bangkok post", org_type="immigration_service", country="TH")
    ngo = make_organisation("Hanoi Survivor Support", org_type="ngo", country="VN")
    police = make_organisation("Thai police unit", org_type="law_enforcement", country="TH")
    sharing_agreement_set(
        actor=None, provider=post, recipient=ngo, referrals=True, valid_from=dt.date(2024, 1, 1)
    )
    liaison = make_user(post, Role.LIAISON_OFFICER, "aroha")
    colleague = make_user(post, Role.LIAISON_OFFICER, "colleague")
    caseworker = make_user(ngo, Role.CASEWORKER, "ha")
    police_officer = make_user(police, Role.PARTNER_LAW_ENFORCEMENT, "somchai")
    report = Report.objects.create(
        organisation=post,
        channel=Channel.INTERVIEW,
        language="en",
        country="TH",
        narrative=f"{SURVIVOR} says the employer took her passport in Bangkok.",
    )

    officer = _sign_in(chromium, base, liaison)
    others = {
        name: _sign_in(chromium, base, user)
        for name, user in [("colleague", colleague), ("ngo", caseworker), ("police", police_officer)]
    }

    # 1. Identify the survivor from the report.
    officer.goto(f"{base}/en/reports/{report.pk}/")
    officer.get_by_role("link", name="Open a survivor case from this report").click()
    officer.get_by_label("Given name").fill("Thảo")
    officer.get_by_label("Family name").fill("Nguyễn Thị")
    officer.get_by_label("Gender").select_option("Feminine")
    officer.get_by_label("Citizenship").fill("VN")
    officer.get_by_label("Trafficking status").select_option("PossibleVictimOfTrafficking")
    officer.get_by_label("Forced labour").check()
    officer.get_by_label("Withholds identity documents").check()
    officer.get_by_label("Country of exploitation").fill("TH")
    officer.get_by_role("button", name="Open case").click()
    officer.wait_for_url(re.compile(r"/en/cases/\d+/$"))
    case = Case.objects.get()
    case_url = f"{base}/en/cases/{case.pk}/"
    assert "Thảo" in officer.locator("#survivor-identity").inner_text()
    assert case.source_report_id == report.pk
    screenshot(officer, "case-opened")

    def check_others(*, ngo_sees_case: bool, ngo_sees_identity: bool = False) -> None:
        assert _status_of(others["police"], case_url) == 403  # no case permission at all
        colleague_page = others["colleague"]
        assert _status_of(colleague_page, case_url) == 200
        assert SURVIVOR.split()[-1] not in colleague_page.content()
        assert "Identity withheld" in colleague_page.content()
        status = _status_of(others["ngo"], case_url)
        assert status == (200 if ngo_sees_case else 404)
        if ngo_sees_case:
            assert ("Thảo" in others["ngo"].content()) is ngo_sees_identity

    check_others(ngo_sees_case=False)

    # 2. Record consent to share with the NGO and to a safe return.
    for purpose, organisation in [("sharing", str(ngo.pk)), ("safe_return", "")]:
        officer.get_by_label("Consent to").select_option(purpose)
        officer.get_by_label("Share with (for sharing only)").select_option(organisation)
        officer.get_by_role("button", name="Record consent").click()
        officer.wait_for_load_state()
    assert case.consents.filter(withdrawn_at__isnull=True).count() == 2

    # 3. Refer her to the NGO with identity and the return plan.
    officer.get_by_role("link", name="Refer to another organisation").click()
    officer.get_by_label("Refer to", exact=True).select_option(str(ngo.pk))
    officer.get_by_label("Reason", exact=True).select_option("MigrationOrChangeOfLocation")
    officer.get_by_label("Identity (name, date of birth, contact)").check()
    officer.get_by_label("Safe return plan").check()
    officer.get_by_role("button", name="Send referral").click()
    officer.wait_for_url(re.compile(r"/en/cases/\d+/$"))
    check_others(ngo_sees_case=False)  # pending: the case is not theirs yet

    # 4. The NGO accepts.
    ngo_page = others["ngo"]
    ngo_page.goto(f"{base}/en/cases/referrals/incoming/")
    ngo_page.get_by_role("link", name=case.reference).click()
    assert "Thảo" in ngo_page.locator("#survivor-identity").inner_text()
    ngo_page.get_by_role("button", name="Accept").click()
    ngo_page.wait_for_load_state()
    assert ngo_page.locator("#referral-status").inner_text() == "Accepted"
    check_others(ngo_sees_case=True, ngo_sees_identity=True)

    # 5. The NGO plans the safe return.
    ngo_page.goto(case_url)
    assert "Exploitation" not in ngo_page.locator("main").inner_text()  # not referred
    ngo_page.get_by_role("link", name="Plan a safe return").click()
    ngo_page.get_by_label("From country").fill("TH")
    ngo_page.get_by_label("To country").fill("VN")
    ngo_page.get_by_label("Receiving organisation").select_option(str(ngo.pk))
    ngo_page.get_by_role("button", name="Create plan").click()
    ngo_page.wait_for_url(re.compile(r"/en/cases/\d+/$"))

    # 6. Reception in Hanoi, then the 3-month follow-up.
    reception = case.return_plan.steps.get(kind=ReturnStepKind.RECEPTION)
    ngo_page.locator(f"#step-{reception.pk}-date").fill("2026-09-01")
    ngo_page.locator(f"#step-{reception.pk}-date").locator("xpath=..").get_by_role("button").click()
    ngo_page.wait_for_load_state()
    three_months = FollowUp.objects.get(case=case, months_after=3)
    assert three_months.due_on == dt.date(2026, 12, 1)
    ngo_page.locator(f"#fu-{three_months.pk}-date").fill("2026-11-28")
    ngo_page.locator(f"#fu-{three_months.pk}-date").locator("xpath=..").get_by_role("button").click()
    ngo_page.wait_for_load_state()
    three_months.refresh_from_db()
    assert three_months.done_on == dt.date(2026, 11, 28)
    screenshot(ngo_page, "case-follow-up")
    check_others(ngo_sees_case=True, ngo_sees_identity=True)

    actions = list(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    for expected in ["case.open", "consent.give", "return_plan.create", "return_step.done", "follow_up.done"]:
        assert expected in actions
    readers = set(
        AuditEvent.objects.filter(action="case.identity.read").values_list("actor_label", flat=True)
    )
    assert readers == {"aroha", "ha"}  # the colleague and the police never read her identity

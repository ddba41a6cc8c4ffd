"""Statistics count another organisation's data only where its sharing agreement lets statistics cross."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tiaki.governance.services import sharing_agreement_set
from tiaki.stats import selectors
from tiaki.stats.scope import statistics_organisations

from ..conftest import verified_client
from .conftest import StatsWorld


def _cases_total(user: object) -> str:
    figure = selectors.reports_and_cases(user=user)[1]
    return figure.table.total.display if figure.table and figure.table.total else "none"


@pytest.mark.django_db
def test_partner_sees_only_its_own_until_statistics_are_shared(stats_world: StatsWorld) -> None:
    partner = stats_world.partner_worker
    assert statistics_organisations(partner) == {stats_world.partner.pk}
    assert _cases_total(partner) == "0"
    sharing_agreement_set(
        actor=None,
        provider=stats_world.ngo,
        recipient=stats_world.partner,
        referrals=True,
        statistics=True,
        valid_from=dt.date(2020, 1, 1),
    )
    assert statistics_organisations(partner) == {stats_world.partner.pk, stats_world.ngo.pk}
    assert _cases_total(partner) == "53"
    html = verified_client(partner).get(reverse("stats:reports_cases")).content.decode()
    assert "Counts data of 2 organisations" in html
    # An expired agreement no longer lets statistics cross.
    sharing_agreement_set(
        actor=None,
        provider=stats_world.ngo,
        recipient=stats_world.partner,
        statistics=True,
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2021, 1, 1),
    )
    assert statistics_organisations(partner) == {stats_world.partner.pk}


@pytest.mark.django_db
def test_the_provider_does_not_gain_the_recipients_statistics(stats_world: StatsWorld) -> None:
    sharing_agreement_set(
        actor=None,
        provider=stats_world.ngo,
        recipient=stats_world.partner,
        statistics=True,
        valid_from=dt.date(2020, 1, 1),
    )
    assert statistics_organisations(stats_world.supervisor) == {stats_world.ngo.pk}


@pytest.mark.django_db
def test_coordinator_sees_dashboards_but_not_releases(stats_world: StatsWorld) -> None:
    client = verified_client(stats_world.coordinator)
    assert client.get(reverse("stats:training")).status_code == 200
    response = client.get(reverse("stats:export_download"), {"kind": "ctdc"})
    assert response.status_code == 403
    assert "missing permission: stats.export" in response.content.decode()


@pytest.mark.django_db
def test_training_gains_withhold_small_groups(stats_world: StatsWorld) -> None:
    figure = selectors.training(user=stats_world.coordinator)[0]
    rows = {
        title: (before.display, after.display, gain.display, size.display)
        for title, before, after, gain, size in figure.notes
    }
    # 30 reported participants (50% → 70%); the 3 individually tested people are too few to show.
    assert rows == {
        "Interviewing": ("<11", "<11", "<11", "<11"),
        "Victim identification": ("50.0", "70.0", "20.0", "30"),
    }


@pytest.mark.django_db
def test_a_withdrawn_statistics_consent_takes_the_case_out_of_every_statistic(
    stats_world: StatsWorld,
) -> None:
    from tiaki.cases import services as case_services
    from tiaki.cases.models import Case
    from tiaki.stats import exports

    case = Case.objects.get(citizenship="LK")
    consent = case_services.consent_record(actor=stats_world.supervisor, case=case, purpose="statistics")
    assert _cases_total(stats_world.supervisor) == "53"  # consent given: counted
    case_services.consent_withdraw(actor=stats_world.supervisor, consent=consent)
    assert _cases_total(stats_world.supervisor) == "52"
    rows = exports.build(user=stats_world.supervisor, kind="ctdc").rows
    assert [r[:3] for r in rows if r[1] == "LK"] == []

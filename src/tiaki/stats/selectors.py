"""The statistics behind each dashboard, read through the policy and protected before anyone sees them.

Each function starts from `scope.statistics_organisations` (STATS_VIEW plus sharing agreements that let
statistics cross) and returns `charts.Figure`s built only from `disclosure` tables and means.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from django.db import models
from django.db.models.functions import TruncQuarter
from django.utils.translation import gettext as _

from tiaki.cases.models import (
    FollowUp,
    Referral,
    ReferralStatus,
    ReturnPlan,
    ReturnStep,
    ReturnStepKind,
)
from tiaki.cases.vocab import MethodOfControl
from tiaki.intake.models import Report
from tiaki.programmes.models import (
    AttendeeGender,
    Campaign,
    CampaignChannel,
    CampaignMetric,
    OutreachEvent,
    Session,
    TestKind,
    TestResult,
)
from tiaki.screening.labels import INDICATOR_LABELS
from tiaki.screening.models import ReportScreening
from tiaki.stats import charts, disclosure
from tiaki.stats.disclosure import Cell, K, Mean
from tiaki.stats.scope import counted_cases, statistics_organisations, withdrawn_cases

MAX_SERIES = 6  # lines per chart; further countries are grouped as "other"
MAX_PERIODS = 12


def _quarter(day: dt.date | dt.datetime) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _by_quarter_and(
    queryset: models.QuerySet[Any], date_field: str, group_field: str
) -> dict[tuple[str, str], int]:
    rows = (
        queryset.order_by()
        .annotate(quarter=TruncQuarter(date_field))
        .values_list("quarter", group_field)
        .annotate(n=models.Count("pk"))
    )
    counts: dict[tuple[str, str], int] = Counter()
    for quarter, group, n in rows:
        if quarter is not None:
            counts[(group or "", _quarter(quarter))] += n
    return counts


def _over_time(counts: dict[tuple[str, str], int], *, title: str, row_heading: str) -> disclosure.Table:
    periods = sorted({period for _group, period in counts})[-MAX_PERIODS:]
    totals: Counter[str] = Counter()
    for (group, period), n in counts.items():
        if period in periods:
            totals[group] += n
    top = [group for group, _n in totals.most_common(MAX_SERIES)]
    other = _("Other or unknown")
    folded: Counter[tuple[str, str]] = Counter()
    for (group, period), n in counts.items():
        if period in periods:
            folded[(group if group in top and group else "~other", period)] += n
    rows = [(g, g) for g in sorted(g for g in top if g)]
    if any(key[0] == "~other" for key in folded):
        rows.append(("~other", other))
    return disclosure.table(
        folded,
        title=title,
        rows=rows,
        columns=[(p, p) for p in periods],
        row_heading=row_heading,
        column_heading=_("Quarter"),
    )


def reports_and_cases(*, user: Any) -> list[charts.Figure]:
    organisations = statistics_organisations(user)
    reports = _over_time(
        _by_quarter_and(Report.objects.filter(organisation__in=organisations), "received_at", "country"),
        title=_("Reports received per quarter, by country"),
        row_heading=_("Country"),
    )
    cases = _over_time(
        _by_quarter_and(counted_cases(organisations), "opened_at", "citizenship"),
        title=_("Cases opened per quarter, by citizenship"),
        row_heading=_("Citizenship"),
    )
    return [
        charts.Figure(
            "reports-over-time",
            reports.title,
            _("Number of reports received each quarter, one line per country. Counts below %d are withheld.")
            % K,
            charts.line_chart(reports),
            reports,
        ),
        charts.Figure(
            "cases-over-time",
            cases.title,
            _("Number of cases opened each quarter, one line per citizenship. Counts below %d are withheld.")
            % K,
            charts.line_chart(cases),
            cases,
        ),
    ]


def _series_figure(
    slug: str,
    counts: Mapping[Any, int],
    labels: Iterable[tuple[Hashable, str]],
    *,
    title: str,
    caption: str,
    heading: str,
    total: bool = True,
) -> charts.Figure:
    data = disclosure.series(counts, title=title, labels=list(labels), heading=heading, total=total)
    items = [(label, data.cell(key, "n")) for key, label in data.rows]
    return charts.Figure(slug, title, caption, charts.bar_chart(items), data)


def indicators(*, user: Any) -> list[charts.Figure]:
    """How often screening found each indicator in reports, and each method of control in cases."""
    organisations = statistics_organisations(user)
    counts: Counter[str] = Counter()
    for methods in counted_cases(organisations).values_list("methods_of_control", flat=True):
        counts.update(set(methods or ()))
    labels = sorted(((c.value, str(c.label)) for c in MethodOfControl), key=lambda item: -counts[item[0]])
    figures: list[charts.Figure] = []
    found: Counter[str] = Counter()
    for codes in ReportScreening.objects.filter(report__organisation__in=organisations).values_list(
        "codes", flat=True
    ):
        found.update(set(codes or ()))
    if found:
        names = {code: str(label) for code, label in INDICATOR_LABELS.items()}
        figures.append(
            _series_figure(
                "screening-indicators",
                found,
                [(code, names.get(code, code)) for code, _n in found.most_common()],
                title=_("Indicators found by screening reports"),
                caption=_(
                    "Reports in which screening found each indicator of trafficking or forced labour. "
                    "A report can show several indicators, so these counts do not add up to the reports."
                ),
                heading=_("Indicator"),
                total=False,
            )
        )
    return [
        *figures,
        _series_figure(
            "methods-of-control",
            counts,
            labels,
            title=_("Methods of control recorded in cases"),
            caption=_(
                "Cases in which each method of control was recorded. A case can record several methods, "
                "so the counts do not add up to the number of cases."
            ),
            heading=_("Method of control"),
            total=False,
        ),
    ]


ACCEPTANCE_BUCKETS = (
    ("0-1", 1),
    ("2-7", 7),
    ("8-30", 30),
    ("31+", None),
)


def referrals(*, user: Any) -> list[charts.Figure]:
    organisations = statistics_organisations(user)
    sent = Referral.objects.filter(from_organisation__in=organisations).exclude(case__in=withdrawn_cases())
    by_status = dict(sent.order_by().values_list("status").annotate(n=models.Count("pk")))
    status_figure = _series_figure(
        "referral-outcomes",
        by_status,
        [(s.value, str(s.label)) for s in ReferralStatus],
        title=_("Referral outcomes"),
        caption=_("Referrals sent by the organisations counted here, by their current status."),
        heading=_("Outcome"),
    )
    waits: Counter[str] = Counter()
    for sent_at, responded_at in sent.filter(
        status=ReferralStatus.ACCEPTED, responded_at__isnull=False
    ).values_list("sent_at", "responded_at"):
        days = max((responded_at - sent_at).days, 0) if responded_at else 0
        bucket = next(name for name, limit in ACCEPTANCE_BUCKETS if limit is None or days <= limit)
        waits[bucket] += 1
    bucket_labels = {
        "0-1": _("Within a day"),
        "2-7": _("2 to 7 days"),
        "8-30": _("8 to 30 days"),
        "31+": _("More than 30 days"),
    }
    wait_figure = _series_figure(
        "time-to-acceptance",
        waits,
        [(name, str(bucket_labels[name])) for name, _limit in ACCEPTANCE_BUCKETS],
        title=_("Time from referral to acceptance"),
        caption=_("Accepted referrals by the time the receiving organisation took to accept."),
        heading=_("Time to acceptance"),
    )
    return [status_figure, wait_figure]


def returns(*, user: Any) -> list[charts.Figure]:
    organisations = statistics_organisations(user)
    plans = ReturnPlan.objects.filter(case__in=counted_cases(organisations))
    by_country = dict(plans.order_by().values_list("to_country").annotate(n=models.Count("pk")))
    countries = sorted(by_country)
    return_figure = _series_figure(
        "returns-by-country",
        by_country,
        [(c, c) for c in countries],
        title=_("Safe returns planned, by country of return"),
        caption=_("Return plans by the country the survivor returns to."),
        heading=_("Country"),
    )
    steps: Counter[tuple[str, str]] = Counter()
    for kind, done_on in ReturnStep.objects.filter(plan__in=plans).values_list("kind", "done_on"):
        steps[(kind, "done" if done_on else "open")] += 1
    step_table = disclosure.table(
        steps,
        title=_("Return steps completed"),
        rows=[(k.value, str(k.label)) for k in ReturnStepKind],
        columns=[("done", _("Done")), ("open", _("Not yet done"))],
        row_heading=_("Step"),
    )
    today = dt.date.today()
    follow: Counter[tuple[int, str]] = Counter()
    for months, due_on, done_on in FollowUp.objects.filter(case__in=counted_cases(organisations)).values_list(
        "months_after", "due_on", "done_on"
    ):
        follow[(months, "done" if done_on else ("overdue" if due_on < today else "upcoming"))] += 1
    follow_table = disclosure.table(
        follow,
        title=_("Reintegration follow-up completion"),
        rows=[(m, _("%d months after return") % m) for m in sorted({m for m, _s in follow} or {1, 3, 6, 12})],
        columns=[("done", _("Done")), ("overdue", _("Overdue")), ("upcoming", _("Not yet due"))],
        row_heading=_("Follow-up"),
    )
    done_items = [(label, follow_table.cell(key, "done")) for key, label in follow_table.rows]
    return [
        return_figure,
        charts.Figure(
            "return-steps",
            step_table.title,
            _("Steps of safe-return plans, done or not yet done."),
            charts.bar_chart([(label, step_table.cell(key, "done")) for key, label in step_table.rows]),
            step_table,
        ),
        charts.Figure(
            "follow-up-completion",
            follow_table.title,
            _("Follow-ups done at each stage after return; the table also shows overdue and not yet due."),
            charts.bar_chart(done_items),
            follow_table,
        ),
    ]


def outreach(*, user: Any) -> list[charts.Figure]:
    organisations = statistics_organisations(user)
    reached: Counter[str] = Counter()
    by_gender: Counter[str] = Counter()
    for country, attendance in OutreachEvent.objects.filter(organisation__in=organisations).values_list(
        "country", "attendance"
    ):
        for key, n in (attendance or {}).items():
            reached[country] += int(n)
            by_gender[key.split("|", 1)[0]] += int(n)
    campaign_reach: Counter[str] = Counter()
    campaigns = Campaign.objects.filter(organisation__in=organisations)
    measured = dict(
        CampaignMetric.objects.filter(campaign__in=campaigns, metric="reach")
        .order_by()
        .values_list("campaign_id")
        .annotate(total=models.Sum("value"))
    )
    for campaign_id, channel, reported in campaigns.values_list("pk", "channel", "reported_reach"):
        campaign_reach[channel] += int(measured.get(campaign_id, reported or 0))
    return [
        _series_figure(
            "outreach-by-country",
            reached,
            [(c, c) for c in sorted(reached)],
            title=_("People reached by outreach events, by country"),
            caption=_("Attendance at outreach events, counted by the organisers (no names are taken)."),
            heading=_("Country"),
        ),
        _series_figure(
            "outreach-by-gender",
            by_gender,
            [(g.value, str(g.label)) for g in AttendeeGender],
            title=_("People reached by outreach events, by gender"),
            caption=_("Attendance at outreach events by gender."),
            heading=_("Gender"),
        ),
        _series_figure(
            "campaign-reach",
            campaign_reach,
            [(c.value, str(c.label)) for c in CampaignChannel],
            title=_("Campaign reach by channel"),
            caption=_(
                "People reached by campaigns: imported platform metrics where present, else reported reach."
            ),
            heading=_("Channel"),
        ),
    ]


def _weighted(parts: list[tuple[float, int]]) -> float:
    weight = sum(n for _v, n in parts)
    return sum(v * n for v, n in parts) / weight if weight else 0.0


def training(*, user: Any) -> list[charts.Figure]:
    """Knowledge gains per course: individual pre/post results where recorded, else the sessions' reported
    means; any mean over fewer than K people is withheld."""
    organisations = statistics_organisations(user)
    pre: dict[str, list[tuple[float, int]]] = defaultdict(list)
    post: dict[str, list[tuple[float, int]]] = defaultdict(list)
    people: Counter[str] = Counter()
    for title, participants, pre_mean, post_mean in Session.objects.filter(
        course__organisation__in=organisations,
        reported_participants__isnull=False,
        reported_pre_mean__isnull=False,
    ).values_list("course__title", "reported_participants", "reported_pre_mean", "reported_post_mean"):
        pre[title].append((float(pre_mean or 0), participants or 0))
        post[title].append((float(post_mean or 0), participants or 0))
        people[title] += participants or 0
    results: dict[int, dict[str, float]] = defaultdict(dict)
    titles: dict[int, str] = {}
    for participant_id, title, kind, correct, total in TestResult.objects.filter(
        participant__session__course__organisation__in=organisations
    ).values_list("participant_id", "participant__session__course__title", "kind", "correct", "total"):
        results[participant_id][kind] = 100 * correct / total if total else 0.0
        titles[participant_id] = title
    for participant_id, scores in results.items():
        if TestKind.PRE in scores and TestKind.POST in scores:
            title = titles[participant_id]
            pre[title].append((scores[TestKind.PRE], 1))
            post[title].append((scores[TestKind.POST], 1))
            people[title] += 1
    rows: list[tuple[str, Mean, Mean, Mean, Cell]] = []
    for title in sorted(people):
        size = disclosure.protect_count(people[title])
        if size.suppressed:
            withheld = Mean(None, size)
            rows.append((title, withheld, withheld, withheld, size))
            continue
        before, after = _weighted(pre[title]), _weighted(post[title])
        rows.append(
            (
                title,
                Mean(round(before, 1), size),
                Mean(round(after, 1), size),
                Mean(round(after - before, 1), size),
                size,
            )
        )
    figure = charts.Figure(
        "training-gains",
        _("Knowledge gain by course"),
        _(
            "Mean gain in knowledge test score (percentage points, after minus before) per course. Means "
            "over "
            "fewer than %d people are withheld."
        )
        % K,
        charts.mean_chart([(title, gain) for title, _b, _a, gain, _n in rows]),
    )
    figure.means = [(title, gain, size) for title, _b, _a, gain, size in rows]
    figure.notes = [(title, before, after, gain, size) for title, before, after, gain, size in rows]
    return [figure]


DASHBOARDS = {
    "reports-cases": (reports_and_cases, "Reports and cases over time"),
    "indicators": (indicators, "Indicator frequencies"),
    "referrals": (referrals, "Referral outcomes"),
    "returns": (returns, "Returns and follow-up"),
    "outreach": (outreach, "Outreach reach"),
    "training": (training, "Training gains"),
}

"""Screening reports in the flow: store each result with its rule-set version; re-screen stale ones."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from tiaki.governance import audit
from tiaki.intake.models import Report
from tiaki.screening import detect
from tiaki.screening.detector import ScreeningInputError
from tiaki.screening.models import LEVEL_RANK, Level, ReportScreening
from tiaki.screening.rules import ruleset_version


def report_screen(*, report_id: int) -> ReportScreening:
    """Screen one report's narrative (a system action, audited) and store the result."""
    report = Report.objects.get(pk=report_id)
    note = ""
    set_aside: list[str] = []
    exploitation: list[dict[str, object]] = []
    try:
        # explain: the report's page shows what the text model set aside, even where it set aside all
        result = detect(report.narrative, lang=report.language or None, explain=True)
        set_aside = list(result.set_aside or ())
        exploitation = [finding.as_dict() for finding in result.exploitation_types]
        level, findings = result.level, [i.as_dict() for i in result.indicators]
        codes = sorted(result.codes)
        language, score, version = result.language, result.score, result.ruleset_version
    except ScreeningInputError as error:
        # Unscreenable text is recorded as such, so it is not retried forever and a person reads it.
        level, findings, codes, language, score, version = Level.NONE, [], [], "", 0.0, ruleset_version()
        note = str(error)[:200]
    with transaction.atomic():
        screening, _created = ReportScreening.objects.update_or_create(
            report=report,
            defaults={
                "ruleset_version": version,
                "language": language,
                "codes": codes,
                "findings": findings,
                "score": score,
                "level": level,
                "level_rank": LEVEL_RANK[Level(level)],
                "note": note,
                "set_aside": set_aside,
                "exploitation": exploitation,
                "screened_at": timezone.now(),
            },
        )
        if not report.language and language:
            report.language = language
            report.save(update_fields=["language"])
        audit.record(
            actor=None,
            action="report.screen",
            target=report,
            organisation=report.organisation_id,
            details={"level": level, "codes": codes, "ruleset": version[:16]},
        )
    return screening


def stale_report_ids() -> models.QuerySet[Report, int]:
    """Reports never screened, or screened by rules other than the ones installed now."""
    current = ruleset_version()
    return Report.objects.exclude(screening__ruleset_version=current).values_list("pk", flat=True)


def evidence_segments(text: str, findings: list[dict[str, object]]) -> list[tuple[str, str]]:
    """Split `text` into (segment, indicator code or "") so the evidence can be highlighted in place.

    Overlapping spans are merged into the first; offsets outside the text (stale results) are ignored.
    """
    spans = sorted(
        (int(str(f["start"])), int(str(f["end"])), str(f["code"]))
        for f in findings
        if 0 <= int(str(f["start"])) < int(str(f["end"])) <= len(text)
    )
    segments: list[tuple[str, str]] = []
    position = 0
    for start, end, code in spans:
        if start < position:
            continue
        if start > position:
            segments.append((text[position:start], ""))
        segments.append((text[start:end], code))
        position = end
    if position < len(text):
        segments.append((text[position:], ""))
    return segments

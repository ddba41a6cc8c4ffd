"""Differentially private counts with OpenDP, recorded so that each release can be reproduced exactly.

OpenDP decides the privacy: the discrete Laplace measurement on a vector of counts gives the epsilon its
noise scale buys (`measurement.map(sensitivity)`) and the 95% accuracy bound. The noise itself is drawn from
a seeded generator rather than OpenDP's unseeded one, because a release must be reproducible from its
recorded parameters; the seed is therefore a secret (see `DPRelease.seed`).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import opendp.prelude as dp
from django.db import models, transaction
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.intake.models import Report
from tiaki.stats import disclosure
from tiaki.stats.models import DPRelease
from tiaki.stats.scope import counted_cases, statistics_organisations

dp.enable_features("contrib")

MECHANISM = "discrete_laplace"
MAX_EPSILON = 5.0


class ReleaseError(ValueError):
    pass


def _cases_by_year_citizenship(organisations: list[int]) -> dict[str, int]:
    rows = (
        counted_cases(organisations)
        .order_by()
        .annotate(year=ExtractYear("opened_at"))
        .values_list("year", "citizenship")
        .annotate(n=models.Count("pk"))
    )
    return {f"{year}|{citizenship or '??'}": n for year, citizenship, n in rows}


def _reports_by_country(organisations: list[int]) -> dict[str, int]:
    rows = (
        Report.objects.filter(organisation__in=organisations)
        .order_by()
        .values_list("country")
        .annotate(n=models.Count("pk"))
    )
    return {country or "??": n for country, n in rows}


@dataclass(frozen=True)
class Query:
    label: Any
    count: Callable[[list[int]], dict[str, int]]
    sensitivity: int  # how many cells one record can change (each record falls in exactly one cell)


QUERIES = {
    "cases_by_year_citizenship": Query(
        _("Cases by year opened and citizenship"), _cases_by_year_citizenship, 1
    ),
    "reports_by_country": Query(_("Reports by country"), _reports_by_country, 1),
}


def measurement(scale: float) -> Any:
    return dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale)


def scale_for(epsilon: float, sensitivity: int) -> float:
    """The smallest noise scale whose privacy loss, as OpenDP computes it, is within `epsilon`."""
    scale = sensitivity / epsilon
    while measurement(scale).map(sensitivity) > epsilon:
        scale *= 1.000001
    return scale


def accuracy_95(scale: float) -> float:
    """With 95% confidence, each released count is within this distance of the true count."""
    return float(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=0.05))


def _noise(seed: int, scale: float, size: int) -> list[int]:
    # Discrete Laplace as the difference of two geometric draws with p = 1 - exp(-1/scale).
    generator = np.random.Generator(np.random.PCG64(seed))
    p = 1 - math.exp(-1 / scale)
    return [
        int(a) - int(b)
        for a, b in zip(generator.geometric(p, size), generator.geometric(p, size), strict=True)
    ]


def _release_numbers(
    counts: dict[str, int], keys: list[str], seed: int, scale: float
) -> list[dict[str, Any]]:
    noise = _noise(seed, scale, len(keys))
    released = []
    for key, delta in zip(keys, noise, strict=True):
        noisy = max(counts.get(key, 0) + delta, 0)
        # Post-processing keeps the guarantee: small noisy counts are still withheld, as everywhere else.
        cell = disclosure.protect_count(noisy)
        released.append({"key": key, "value": cell.value, "display": cell.display})
    return released


def dp_release_create(
    *, actor: Any, organisation: Organisation, query: str, epsilon: float, seed: int | None = None
) -> DPRelease:
    """Release one DP count query over the data the actor's statistics may count; record everything."""
    policy.require(actor, Permission.STATS_EXPORT, organisation)
    if query not in QUERIES:
        raise ReleaseError(_("Unknown query."))
    if not 0 < epsilon <= MAX_EPSILON:
        raise ReleaseError(_("Epsilon must be above 0 and at most %s.") % MAX_EPSILON)
    spec = QUERIES[query]
    organisations = sorted(statistics_organisations(actor, Permission.STATS_EXPORT))
    counts = spec.count(organisations)
    keys = sorted(counts)
    scale = scale_for(epsilon, spec.sensitivity)
    seed = seed if seed is not None else secrets.randbits(63)
    with transaction.atomic():
        release = DPRelease.objects.create(
            organisation=organisation,
            query=query,
            parameters={"keys": keys},
            organisations=organisations,
            mechanism=MECHANISM,
            epsilon=float(measurement(scale).map(spec.sensitivity)),
            sensitivity=spec.sensitivity,
            scale=scale,
            seed=str(seed),
            accuracy_95=accuracy_95(scale),
            released=_release_numbers(counts, keys, seed, scale),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="stats.dp_release",
            target=release,
            organisation=organisation,
            details={"query": query, "cells": len(keys), "epsilon_micro": round(release.epsilon * 1_000_000)},
        )
    return release


def dp_release_reproduce(*, user: Any, release: DPRelease) -> list[dict[str, Any]]:
    """Re-run a recorded release from its parameters: identical numbers while the data are unchanged."""
    policy.require(user, Permission.STATS_EXPORT, release.organisation_id)
    counts = QUERIES[release.query].count(list(release.organisations))
    return _release_numbers(counts, list(release.parameters["keys"]), int(release.seed), release.scale)


def dp_release_list(*, user: Any) -> models.QuerySet[DPRelease]:
    return policy.scoped(user, Permission.STATS_EXPORT, DPRelease.objects.all())


def epsilon_spent(*, user: Any) -> dict[int, float]:
    """Privacy budget spent so far, per organisation the user may release for."""
    spent: dict[int, float] = {}
    for organisation_id, epsilon in dp_release_list(user=user).values_list("organisation_id", "epsilon"):
        spent[organisation_id] = spent.get(organisation_id, 0.0) + epsilon
    return spent

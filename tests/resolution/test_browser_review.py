"""In the browser (a phone-sized window): an analyst confirms a pending link in the review queue, and the
entity's mentions page then shows both mentions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.resolution.models import EntityLink, LinkDecision

from ..browser.conftest import screenshot, sign_in_verified
from .review_factories import pending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_confirms_a_pending_link_and_the_entity_shows_both_mentions(
    page: Any, live_server: Any, org_a: Organisation, make_user: Any
) -> None:
    link = pending(org_a)
    candidate = link.candidate_id
    sign_in_verified(page.context, make_user(org_a, Role.ANALYST), live_server.url)
    page.goto(live_server.url + reverse("resolution:review"))
    card = page.locator(f"#link-{link.pk}")
    assert (
        "LEAK-MARKER Tran V. Hung" in card.inner_text() and "LEAK-MARKER Tran Van Hung" in card.inner_text()
    )
    screenshot(page, "resolution-review-queue")
    card.get_by_role("button", name="Same — merge").click()
    page.get_by_text(f"Merged into E-{candidate:06d}.").wait_for()
    assert EntityLink.objects.get(pk=link.pk).decision == LinkDecision.CONFIRMED
    page.get_by_role("link", name="Mentions").click()
    page.wait_for_url(f"**{reverse('resolution:entity_mentions', args=[candidate])}")
    text = page.locator("main").inner_text()
    assert "LEAK-MARKER Tran V. Hung" in text and "LEAK-MARKER Tran Van Hung" in text
    assert text.count("Split off into a new entity") == 2

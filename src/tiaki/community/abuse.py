"""Abuse limits that identify no one: global counters, a slowdown on wrong receipts, proof of work.

Nothing here reads a client address, a user agent or a cookie. The cost of that choice: a flood of wrong
receipts slows *every* receipt check for a while, and the global tip limit can briefly turn away honest
reporters during an attack. Both are preferable to keeping data that could identify a reporter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from tiaki.community.models import AbuseCounter

TIP_WINDOW_SECONDS = 600
RECEIPT_WINDOW_SECONDS = 900
RECEIPT_FREE_FAILURES = 5  # wrong receipts (anyone's) in the window before checks start to slow down
RECEIPT_MAX_DELAY_SECONDS = 8.0
POW_BITS = 14  # ~16 000 SHA-256 hashes: well under a second on a cheap phone, costly at flood scale
POW_MAX_AGE_SECONDS = 3600
NO_SCRIPT_DELAY_SECONDS = 2.0  # what a browser without JavaScript "pays" instead of the proof of work
_POW_SALT = "tiaki.community.pow"


def tip_rate_limit() -> int:
    """Tips accepted per ten minutes across the whole site (setting TIAKI_TIP_RATE_LIMIT, default 60)."""
    return int(settings.TIAKI_TIP_RATE_LIMIT)


def pause(seconds: float) -> None:
    """Sleep; a seam so tests can observe the slowdown without waiting for it."""
    if seconds > 0:
        time.sleep(seconds)


def _window_start(window_seconds: int, now: dt.datetime) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % window_seconds, tz=dt.UTC)


def counter_hit(key: str, window_seconds: int) -> int:
    """Count one event under `key` in the current window; return the count so far in that window."""
    now = timezone.now()
    start = _window_start(window_seconds, now)
    with transaction.atomic():
        AbuseCounter.objects.filter(window_start__lt=now - dt.timedelta(days=1)).delete()
        counter, _created = AbuseCounter.objects.get_or_create(key=key, window_start=start)
        AbuseCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
        counter.refresh_from_db(fields=["count"])
    return counter.count


def counter_recent(key: str, window_seconds: int) -> int:
    """Events under `key` in the current and the previous window (so a window edge is no reset)."""
    start = _window_start(window_seconds, timezone.now()) - dt.timedelta(seconds=window_seconds)
    total = AbuseCounter.objects.filter(key=key, window_start__gte=start).aggregate(n=Sum("count"))["n"]
    return int(total or 0)


# --- anonymous tips ------------------------------------------------------------------------------------


def tip_allowed() -> bool:
    """Count a submission attempt against the global limit; False once the limit is exceeded."""
    return counter_hit("tip.submit", TIP_WINDOW_SECONDS) <= tip_rate_limit()


def challenge_issue() -> str:
    """A signed random challenge for the form's proof of work."""
    return signing.TimestampSigner(salt=_POW_SALT).sign(secrets.token_hex(12))


def _leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def pow_valid(challenge: str, nonce: str) -> bool:
    """True when `nonce` solves a fresh, genuine, not yet spent challenge."""
    if not challenge or not nonce or len(nonce) > 20 or not nonce.isdigit():
        return False
    try:
        signing.TimestampSigner(salt=_POW_SALT).unsign(challenge, max_age=POW_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if _leading_zero_bits(digest) < POW_BITS:
        return False
    spent_key = "pow." + hashlib.sha256(challenge.encode()).hexdigest()[:40]
    return counter_hit(spent_key, POW_MAX_AGE_SECONDS) == 1


def pow_solve(challenge: str) -> str:
    """Solve a challenge the way the browser script does (used by tests and the benchmark)."""
    nonce = 0
    while True:
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if _leading_zero_bits(digest) >= POW_BITS:
            return str(nonce)
        nonce += 1


# --- receipts ------------------------------------------------------------------------------------------


def receipt_delay(failures: int) -> float:
    """Seconds every receipt check waits, given the recent wrong receipts across the whole site."""
    if failures < RECEIPT_FREE_FAILURES:
        return 0.0
    return float(min(RECEIPT_MAX_DELAY_SECONDS, 0.25 * 2 ** (failures - RECEIPT_FREE_FAILURES)))


RECEIPT_FAILURES = "receipt.failure"
PASSPORT_FAILURES = "passport.failure"  # kept passports: booklet number and passphrase


def receipt_wait(key: str = RECEIPT_FAILURES) -> float:
    """Slow this check down according to recent failures under `key`; return the delay applied."""
    delay = receipt_delay(counter_recent(key, RECEIPT_WINDOW_SECONDS))
    pause(delay)
    return delay


def receipt_failed(key: str = RECEIPT_FAILURES) -> None:
    counter_hit(key, RECEIPT_WINDOW_SECONDS)

"""A receipt typed on a Burmese, Thai, Sinhala or Tamil keyboard opens the tip like one typed in 0-9."""

from __future__ import annotations

import pytest
from django.test import Client

from tiaki.accounts.models import User
from tiaki.community import services

ZEROS = {"my": "၀", "th": "๐", "si": "෦", "ta": "௦"}


def _in_script(code: str, zero: str) -> str:
    return " ".join("".join(chr(ord(zero) + int(d)) for d in code[i : i + 4]) for i in range(0, len(code), 4))


@pytest.mark.django_db
@pytest.mark.parametrize("language", list(ZEROS))
def test_a_receipt_in_native_digits_opens_the_tip(
    language: str, tip: services.SubmittedTip, officer: User, pauses: list[float]
) -> None:
    services.tip_reply(actor=officer, report=tip.report, text="We have read your report.")
    typed = _in_script(tip.receipt, ZEROS[language])
    assert not any("0" <= ch <= "9" for ch in typed)
    assert services.receipt_verify(code=typed) == tip.report
    response = Client().post(f"/{language}/report/receipt/", {"receipt": typed})
    assert response.status_code == 200
    assert "We have read your report." in response.content.decode()

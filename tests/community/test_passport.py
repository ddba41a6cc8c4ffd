"""The Safe Migration Passport: a PDF in the person's language, shaped with Noto fonts, stored nowhere."""

from __future__ import annotations

import difflib
import io
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from tiaki.community import learn
from tiaki.community.recruiters import recruiter_status
from tiaki.intelligence.services import name_key

from .test_tips import _database_contains


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def letters(text: str) -> str:
    """Only the letters of a text, in order.

    PDF text extraction maps some shaped glyphs of Myanmar, Sinhala and Tamil back to the wrong vowel
    signs (which ones depends on the font subset of the whole document), although the page is drawn
    correctly (checked by rendering it). Letters survive extraction; vowel signs and marks may not.
    """
    return "".join(
        ch
        for ch in text
        if unicodedata.category(ch).startswith("L") and unicodedata.category(ch) not in {"Lm"}
    )


def assert_heading_in_pdf(heading: str, text: str, language: str) -> None:
    """The heading is in the PDF's text layer, as exactly as extraction allows for the script.

    Myanmar-script extraction can even lose consonants of stacked syllables, so for Burmese and Karen the
    letters must match closely (≥ 80%) somewhere, not exactly; the rendered page is checked separately.
    """
    if language in ("en", "vi", "ms", "id", "mi", "th"):
        assert heading in text
        return
    wanted, found = letters(heading), letters(text)
    if language not in ("my", "ksw"):
        assert wanted in found
        return
    best = max(
        difflib.SequenceMatcher(None, wanted, found[i : i + len(wanted)]).ratio()
        for i in range(max(1, len(found) - len(wanted) + 1))
    )
    assert best >= 0.8, (heading, best)  # an unrelated phrase of the same length scores ≤ 0.75 here


def first_page_png(pdf: bytes, directory: Path) -> Image.Image:
    source = directory / "passport.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", str(source), str(directory / "page")],
        check=True,
    )
    return Image.open(next(directory.glob("page*.png")))


def assert_page_image(image: Image.Image) -> None:
    assert image.size == (420, 596)  # A5 (148 x 210 mm) at 72 dpi, rounded up by pdftoppm
    dark = sum(image.convert("L").histogram()[:128])
    assert 2_000 < dark < image.size[0] * image.size[1] // 2  # text and a QR code, not a blank or black page


def _table_rows() -> int:
    with connection.cursor() as cursor:
        total = 0
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            total += cursor.fetchone()[0]
    return total


FORM = {
    "destination": "TH",
    "job": "Fishing boat crew",
    "employer": "Ocean Catch Ltd, Songkhla",
    "recruiter_name": "Blue Sea Recruiting",
    "recruiter_licence": "TH-12345",
    "contacts": "Aunt Mai +84 90 000 0000",
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "vi", "th", "my", "si", "ta", "ms", "id", "mi", "ksw"])
def test_passport_pdf_is_in_the_persons_language(language: str, tmp_path: Path) -> None:
    rows_before = _table_rows()
    response = Client().post(f"/{language}/passport/", {**FORM, "language": language})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="safe-migration-passport.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert _table_rows() == rows_before  # nothing the person typed was stored
    text = pdf_text(pdf)
    content = learn.content_for(language)
    assert "Fishing boat crew" in text
    assert "TH-12345" in text
    # headings come back exactly in every script (e.g. "သင့်အခွင့်အရေးများ", "ඔබේ අයිතිවාසිකම්", "உங்கள் உரிமைகள்")
    assert_heading_in_pdf(content.passport["rights_heading"], text, language)
    if language in ("en", "vi", "ms", "id", "mi", "th"):
        # whole sentences too where no vowel sign is drawn before its consonant (text extraction reorders
        # those in Burmese, Karen, Sinhala and Tamil, although the page itself is shaped correctly)
        flat = " ".join(text.split())
        assert content.passport["red_flags"][0] in flat
        assert content.situations[0].items[0] in flat
    assert "191" in text and "1155" in text  # the destination's numbers from the directory
    assert_page_image(first_page_png(pdf, tmp_path))


@pytest.mark.django_db
def test_burmese_sinhala_and_tamil_text_is_embedded_with_noto_fonts() -> None:
    for language, font in [
        ("my", "Noto-Sans-Myanmar"),
        ("si", "Noto-Sans-Sinhala"),
        ("ta", "Noto-Sans-Tamil"),
    ]:
        pdf = Client().post(f"/{language}/passport/", {**FORM, "language": language}).content
        fonts = {
            str(font_ref.get_object()["/BaseFont"])
            for page in PdfReader(io.BytesIO(pdf)).pages
            for font_ref in page["/Resources"]["/Font"].values()
        }
        assert any(font in name for name in fonts), (language, fonts)


@pytest.mark.django_db
def test_recruiter_check_reads_the_public_register() -> None:
    from tiaki.intelligence.models import Agency, LicenceStatus

    Agency.objects.create(
        name="Blue Sea Recruiting",
        name_key=name_key("Blue Sea Recruiting"),
        country="TH",
        licence_status=LicenceStatus.LICENSED,
        licence_number="TH-12345",
    )
    Agency.objects.create(
        name="Golden Road Jobs",
        name_key=name_key("Golden Road Jobs"),
        country="TH",
        licence_status=LicenceStatus.REVOKED,
        licence_number="TH-99999",
    )
    assert recruiter_status("Blue Sea Recruiting", "TH-12345") == "licensed"
    assert recruiter_status("Blue Sea Recruiting", "TH-99999") == "warning"  # someone else's licence
    assert recruiter_status("Golden Road Jobs", "") == "warning"
    assert recruiter_status("Never Heard Of Them", "") == "unknown"
    pdf = Client().post("/en/passport/", {**FORM, "language": "en"}).content
    assert "Recruiter check: licensed." in " ".join(pdf_text(pdf).split())


@pytest.mark.django_db
def test_a_kept_passport_opens_only_with_its_number_and_passphrase(pauses: list[float]) -> None:
    from tiaki.community.models import SavedPassport
    from tiaki.governance.models import AuditEvent

    response = Client().post(
        "/vi/passport/", {**FORM, "language": "vi", "keep": "on", "passphrase": "blue river morning tea"}
    )
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    number = re.search(r"(\d{4} \d{4} \d{4})", text).group(1)  # type: ignore[union-attr]
    saved = SavedPassport.objects.get()
    assert _database_contains("Fishing boat crew") == [] and _database_contains("Blue Sea") == []
    assert _database_contains(number.replace(" ", "")) == []
    assert "Fishing" not in saved.sealed  # sealed with the passphrase key under the server encryption

    opened = Client().post("/en/passport/open/", {"number": number, "passphrase": "blue river morning tea"})
    assert opened["Content-Type"] == "application/pdf"
    assert "Fishing boat crew" in pdf_text(opened.content)
    assert learn.content_for("vi").passport["rights_heading"] in pdf_text(opened.content)

    wrong = Client().post("/en/passport/open/", {"number": number, "passphrase": "blue river evening tea"})
    unknown = Client().post(
        "/en/passport/open/", {"number": "0000 0000 0001", "passphrase": "blue river morning tea"}
    )
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.content == unknown.content
    assert "We could not open a booklet" in wrong.content.decode()

    gone = Client().post(
        "/en/passport/open/", {"number": number, "passphrase": "blue river morning tea", "forget": "on"}
    )
    assert "Your booklet was deleted" in gone.content.decode()
    assert SavedPassport.objects.count() == 0
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["passport.keep", "passport.forget"]


@pytest.mark.django_db
def test_keeping_needs_a_long_enough_passphrase() -> None:
    response = Client().post("/en/passport/", {**FORM, "language": "en", "keep": "on", "passphrase": "short"})
    assert response.status_code == 400
    assert "Use a passphrase of at least 10 characters." in response.content.decode()

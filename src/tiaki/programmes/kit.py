"""The campaign kit: the public portal's awareness messages as shareable images and printable posters.

Every language the portal speaks, native scripts shaped by HarfBuzz (Pillow's raqm layout for images,
WeasyPrint for posters), each with a QR code to the report page. Texts come from the community portal's
learn data, so the kit always says what the site says.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from tiaki.community import learn

FONT_DIR = Path("/usr/share/fonts/truetype/noto")
# Sizes the major platforms ask for: square post, story / status, link preview.
FORMATS = {"square": (1080, 1080), "story": (1080, 1920), "landscape": (1200, 630)}
_SCRIPT_FONTS = {
    "th": "NotoSansThai",
    "my": "NotoSansMyanmar",
    "ksw": "NotoSansMyanmar",
    "si": "NotoSansSinhala",
    "ta": "NotoSansTamil",
}
BRAND = (11, 93, 75)
INK = (255, 255, 255)


class KitError(ValueError):
    pass


@dataclass(frozen=True)
class Message:
    language: str
    heading: str
    signs: tuple[str, ...]
    call: str
    url: str


def message(language: str, report_url: str) -> Message:
    if language not in dict(settings.LANGUAGES):
        raise KitError(f"no language {language!r}")
    content = learn.content_for(language)
    signs = tuple(s.items[0] for s in content.situations[:3] if s.items)
    with translation.override(language):
        call = _("Report a concern")
    return Message(language, content.signs_title, signs, call, report_url)


def _font(language: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    family = _SCRIPT_FONTS.get(language, "NotoSans")
    path = FONT_DIR / f"{family}-{'Bold' if bold else 'Regular'}.ttf"
    if not path.exists():
        path = FONT_DIR / f"{family}-Regular.ttf"
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def _breakable(text: str) -> list[str]:
    """Units a line may break between: words where the script spaces them, else grapheme clusters."""
    if " " in text.strip():
        return [w + " " for w in text.split(" ")]
    units: list[str] = []
    for ch in text:  # keep combining marks and vowel signs with their base letter
        if units and unicodedata.category(ch)[0] == "M":
            units[-1] += ch
        else:
            units.append(ch)
    return units


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, language: str
) -> list[str]:
    lines: list[str] = []
    current = ""
    for unit in _breakable(text):
        trial = current + unit
        if current and draw.textlength(trial, font=font, language=language) > width:
            lines.append(current.rstrip())
            current = unit
        else:
            current = trial
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _qr(url: str, size: int) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    return Image.open(buffer).convert("RGB").resize((size, size), Image.Resampling.NEAREST)


def render_image(msg: Message, kind: str) -> bytes:
    if kind not in FORMATS:
        raise KitError(f"no format {kind!r}")
    width, height = FORMATS[kind]
    image = Image.new("RGB", (width, height), BRAND)
    draw = ImageDraw.Draw(image)
    margin = width // 14
    qr_size = min(width, height) // 4
    heading_size, body_size, call_size = width // 16, width // 28, width // 22
    heading_font = _font(msg.language, heading_size, bold=True)
    body_font = _font(msg.language, body_size)
    y = margin
    for line in _wrap(draw, msg.heading, heading_font, width - 2 * margin, msg.language):
        draw.text((margin, y), line, font=heading_font, fill=INK, language=msg.language)
        y += int(heading_size * 1.5)
    y += body_size
    bottom = height - margin - qr_size
    for sign in msg.signs:
        lines = _wrap(draw, sign, body_font, width - 2 * margin - body_size, msg.language)
        needed = len(lines) * int(body_size * 1.6)
        if y + needed > bottom - body_size:
            break  # a short format shows fewer signs rather than cutting one
        draw.ellipse(
            (
                margin,
                y + body_size // 3,
                margin + body_size // 2,
                y + body_size // 3 + body_size // 2,
            ),
            fill=INK,
        )
        for line in lines:
            draw.text((margin + body_size, y), line, font=body_font, fill=INK, language=msg.language)
            y += int(body_size * 1.6)
        y += body_size // 2
    image.paste(_qr(msg.url, qr_size), (width - margin - qr_size, height - margin - qr_size))
    call_font = _font(msg.language, call_size, bold=True)
    call_lines = _wrap(draw, msg.call, call_font, width - 3 * margin - qr_size, msg.language)
    call_y = height - margin - int(call_size * 1.5) * len(call_lines)
    for line in call_lines:
        draw.text((margin, call_y), line, font=call_font, fill=INK, language=msg.language)
        call_y += int(call_size * 1.5)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_poster(msg: Message) -> bytes:
    """An A4 poster as PDF (WeasyPrint shapes every script with the Noto fonts)."""
    from weasyprint import HTML

    qr_svg = segno.make(msg.url, error="m").svg_inline(scale=6)
    html = render_to_string("programmes/kit_poster.html", {"msg": msg, "qr_svg": qr_svg})
    return bytes(HTML(string=html).write_pdf())

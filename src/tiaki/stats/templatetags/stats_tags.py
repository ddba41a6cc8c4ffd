"""Template tags that print protected statistics with machine-checkable markup."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tiaki.stats.disclosure import PRIMARY, Cell, K, Mean

register = template.Library()


def _title(status: str) -> str:
    if status == PRIMARY:
        return _("Fewer than %d: withheld to protect the people counted.") % K
    return _("Withheld so that a small number elsewhere in the table cannot be worked out from the totals.")


@register.simple_tag
def count_cell(cell: Cell | None, tag: str = "td") -> SafeString:
    """A table cell for a protected count: data-count when shown, data-suppressed when withheld."""
    if cell is None:
        return format_html("<{}></{}>", tag, tag)
    if cell.suppressed:
        return format_html(
            '<{} class="count" data-suppressed="{}"><abbr title="{}">{}</abbr></{}>',
            tag,
            cell.status,
            _title(cell.status),
            cell.display,
            tag,
        )
    return format_html('<{} class="count" data-count="{}">{}</{}>', tag, cell.value, cell.value, tag)


@register.simple_tag
def mean_cell(mean: Mean) -> SafeString:
    if mean.value is None:
        return format_html(
            '<td class="mean" data-suppressed="primary"><abbr title="{}">{}</abbr></td>',
            _("Fewer than %d people: the mean is withheld.") % K,
            mean.display,
        )
    return format_html('<td class="mean" data-mean="{}">{}</td>', mean.display, mean.display)


@register.filter
def coord(value: float) -> str:
    """An SVG coordinate, never localised (a decimal comma would break the drawing)."""
    return f"{float(value):.1f}"

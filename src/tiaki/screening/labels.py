"""Translatable names of the indicator codes and exploitation types, for pages (the taxonomy data keeps the
English source)."""

from django.utils.translation import gettext_lazy as _

from tiaki.cases.vocab import ExploitationType

INDICATOR_LABELS = {
    "abuse_of_vulnerability": _("Abuse of vulnerability"),
    "deception": _("Deception"),
    "restriction_of_movement": _("Restriction of movement"),
    "isolation": _("Isolation"),
    "physical_sexual_violence": _("Physical and sexual violence"),
    "intimidation_threats": _("Intimidation and threats"),
    "retention_of_identity_documents": _("Retention of identity documents"),
    "withholding_of_wages": _("Withholding of wages"),
    "debt_bondage": _("Debt bondage"),
    "abusive_working_living_conditions": _("Abusive working and living conditions"),
    "excessive_overtime": _("Excessive overtime"),
    "child_under_18": _("A child (under 18)"),
}

# HTCDS's types, and forced criminality, which screening reports (online scam compounds) and HTCDS v2.0 files
# under Other.
EXPLOITATION_LABELS = {**dict(ExploitationType.choices), "ForcedCriminality": _("Forced criminality")}

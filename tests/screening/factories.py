"""Access-matrix registrations for screening."""

from typing import Any

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/screen", "POST"): {"text": "They kept my passport and I could not leave the factory."},
}

SHARED_PARAMETERS: dict[str, dict[str, Any]] = {
    "screening:questionnaire_fill": {"form_id": "frontline_short"},
    "screening:questionnaire_xlsform": {"form_id": "red_flags"},
    "screening:questionnaire_import": {"form_id": "frontline_short"},
}

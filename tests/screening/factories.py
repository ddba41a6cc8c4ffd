"""Access-matrix registrations for screening."""

from typing import Any

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/screen", "POST"): {"text": "They kept my passport and I could not leave the factory."},
}

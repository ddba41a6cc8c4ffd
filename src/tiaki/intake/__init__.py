"""Reports from the public and partners, imports and the triage queue."""

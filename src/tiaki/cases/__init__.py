"""Survivor cases: consent, assessments, support plans, referrals and transfers, shelters, safe return."""

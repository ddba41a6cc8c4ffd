"""Prevention programmes: partnerships, outreach events, campaigns, trainings and knowledge tests."""

"""Graded intelligence, entities and relations, network analytics, alerts and the link chart."""

"""Tiaki: a counter-trafficking partnership platform."""

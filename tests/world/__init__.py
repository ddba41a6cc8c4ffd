"""Tests of the synthetic world generator."""

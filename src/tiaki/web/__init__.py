"""Shared web layer: access decorators, base templates, static assets, the staff home page."""

"""Privacy-safe statistics: small-cell protection, differential privacy, dashboards and releases."""

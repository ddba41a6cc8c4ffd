"""Policy, handling codes, sharing agreements, the audit chain, field encryption and retention."""

"""Management commands of the synthetic world generator."""

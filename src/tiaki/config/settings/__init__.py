"""Settings modules: base (embedded development and demo), test and production."""

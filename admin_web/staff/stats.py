"""Staff web: stats (being built)."""

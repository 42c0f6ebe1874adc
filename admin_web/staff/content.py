"""Staff web: content (being built)."""

"""Staff web: kiosks (being built)."""

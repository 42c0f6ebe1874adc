"""Staff web: audit_log (being built)."""

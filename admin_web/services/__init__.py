"""Keyword-only functions that take a session: every query of the admin web lives here, not in views."""

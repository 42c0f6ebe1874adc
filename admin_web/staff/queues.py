"""Staff web: queues (being built)."""

"""The admin web: Flask + SQLModel backend for staff, the kiosk API and consultation queues."""

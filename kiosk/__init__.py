"""Antre kiosk app (arrives with its own issue)."""

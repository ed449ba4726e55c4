"""Antre display app (arrives with its own issue)."""

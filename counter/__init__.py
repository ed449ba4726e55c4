"""Antre counter app (arrives with its own issue)."""

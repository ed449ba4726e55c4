"""Antre's wall display: ``display.app.main`` (``antre display``); view-model, widgets, voice."""

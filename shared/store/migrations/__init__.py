"""Alembic migrations of the Antre schema (run by ``antre db upgrade`` and at hub start)."""

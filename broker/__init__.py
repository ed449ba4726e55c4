"""Antre broker side: the Mosquitto runner and the hub service."""

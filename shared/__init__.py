"""Antre core: the queue domain, storage, the MQTT contract, config and the timing service."""

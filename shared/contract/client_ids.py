"""The MQTT client ids of the programs at a desk (their ``presence/{client_id}`` topics).

A desk's counter app and its USB keypad mode are two programs that may be given one device
account (``[[devices]]`` role ``counter``); the broker makes the account the client id on the
lobby's listeners, so run at once on one account they push each other off. Each reads the other's
presence to find that out (``shared.mqtt.MqttBus(siblings=...)``).
"""

from __future__ import annotations


def counter_client_id(desk: str) -> str:
    return f"antre-counter-{desk}"


def keypad_client_id(desk: str) -> str:
    return f"antre-keypad-{desk}"


def desk_program_ids(desk: str) -> tuple[str, str]:
    """The ids of the programs a desk's device account is for: the counter app, the keypad mode."""
    return (counter_client_id(desk), keypad_client_id(desk))

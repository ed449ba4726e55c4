"""The touch toolkit both visitor-facing programs use: the kiosk (``kiosk.app``) and a desk's rating
screen (``kiosk.rating.app``). Their Kivy app base (a window scaled for large type, the screens over
a docked on-screen keyboard, text boxes bound to a view-model), the shared widgets and looks, the
MQTT hub client and its seams, and the words both show. Imports only ``kiosk.touch`` and ``shared``.
"""

"""Antre counter: the officer's desk app (Kivy, ``counter.app``) and the USB keypad bridge
(``counter.keypad.bridge``). The view-model (``counter.viewmodel``) is plain Python; hardware buttons
need no code here at all (see docs/hardware.md)."""

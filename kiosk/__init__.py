"""The touch kiosk (``antre kiosk``): guestbook, returning visitors, queue tickets and their ESC/POS
printing, and the rating survey behind "Beri penilaian / Sampaikan pengaduan".

``kiosk.touch`` is the toolkit it shares with the desk's rating screen; ``kiosk.rating`` is that
rating screen (``antre rate``), a separate program whose survey (view-model, view, screens) the
kiosk embeds. The kiosk never imports the rating screen's ``app`` or ``ui``.
"""

"""Step 6 of the standard: the visitor rates the service (one tap, then the nine SKM elements) and
may complain. ``antre rate --desk N`` is the screen facing the visitor at a desk; the kiosk reuses
the same view-model and screens behind "Beri penilaian / Sampaikan pengaduan".

A program of its own: it imports only ``kiosk.rating``, the touch toolkit ``kiosk.touch`` and
``shared``, never the kiosk's modules."""

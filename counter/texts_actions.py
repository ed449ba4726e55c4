"""The words of the desk actions of issue 18 (hold, resume, return, an out-of-order call with its
reason) and of the priority mark, in Bahasa Indonesia and English; merged into ``counter.texts``,
which is how every caller reaches them. ``reason.*`` has one entry per
``shared.domain.priority.CALL_REASONS`` (a test holds them equal).
"""

from __future__ import annotations

ACTIONS_ID: dict[str, str] = {
    # buttons
    "btn.hold": "Tunda",
    "btn.return": "Kembali ke antrean",
    "btn.call_ticket": "Panggil di luar urutan",
    "btn.resume": "Lanjutkan",
    "btn.return_parked": "Ke antrean",
    # the desk screen
    "desk.parked": "Ditunda:",
    "desk.priority": "PRIORITAS",
    "desk.waiting_priority": "{n} prioritas",
    # the out-of-order dialog
    "ooo.title": "Panggil di luar urutan",
    "ooo.pick_ticket": "1. Pilih nomor yang menunggu:",
    "ooo.pick_reason": "2. Pilih alasannya:",
    "ooo.priority": "prioritas",
    "ooo.confirm": "Panggil {ticket}",
    "ooo.confirm_none": "Pilih nomor dan alasan",
    "ooo.cancel": "Batal (Esc)",
    "ooo.none_waiting": "Tidak ada yang menunggu.",
    "reason.returned": "Pengunjung kembali",
    "reason.appointment": "Sudah ada janji",
    "reason.priority_need": "Perlu layanan prioritas",
    "reason.same_group": "Satu rombongan",
    "reason.other": "Alasan lain",
    # the hub's answers
    "answer.hold": 'Pengunjung {ticket} ditunda. Panggil kembali dengan "Lanjutkan".',
    "answer.resume": "{ticket} dipanggil kembali ke {desk_name}.",
    "answer.return": "{ticket} kembali ke antrean di tempatnya semula ({ahead} orang di depannya).",
    "answer.call_ticket": "{ticket} dipanggil di luar urutan: {reason}.",
    "answer.call_ticket_after": "{finished} selesai. {ticket} dipanggil di luar urutan: {reason}.",
    # action names (the pending line)
    "action.hold": "tunda",
    "action.resume": "lanjutkan",
    "action.return": "kembali ke antrean",
    "action.call_ticket": "panggil di luar urutan",
    "action.repeat": "panggil ulang",
    "keypad.parked": "ditunda: {codes}",
}

ACTIONS_EN: dict[str, str] = {
    "btn.hold": "Hold",
    "btn.return": "Back to the queue",
    "btn.call_ticket": "Call out of turn",
    "btn.resume": "Resume",
    "btn.return_parked": "To the queue",
    "desk.parked": "On hold:",
    "desk.priority": "PRIORITY",
    "desk.waiting_priority": "{n} priority",
    "ooo.title": "Call out of turn",
    "ooo.pick_ticket": "1. Pick a waiting ticket:",
    "ooo.pick_reason": "2. Pick the reason:",
    "ooo.priority": "priority",
    "ooo.confirm": "Call {ticket}",
    "ooo.confirm_none": "Pick a ticket and a reason",
    "ooo.cancel": "Cancel (Esc)",
    "ooo.none_waiting": "Nobody is waiting.",
    "reason.returned": "The visitor came back",
    "reason.appointment": "Has an appointment",
    "reason.priority_need": "Needs priority service",
    "reason.same_group": "Same group",
    "reason.other": "Other reason",
    "answer.hold": 'Visitor {ticket} is on hold. Call them back with "Resume".',
    "answer.resume": "{ticket} called back to {desk_name}.",
    "answer.return": "{ticket} is back in the queue at their place ({ahead} ahead of them).",
    "answer.call_ticket": "{ticket} called out of turn: {reason}.",
    "answer.call_ticket_after": "{finished} finished. {ticket} called out of turn: {reason}.",
    "action.hold": "hold",
    "action.resume": "resume",
    "action.return": "back to the queue",
    "action.call_ticket": "call out of turn",
    "action.repeat": "recall",
    "keypad.parked": "on hold: {codes}",
}

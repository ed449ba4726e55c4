"""The online-requests panel as words (``build_online_view``): the two tabs' labels, the list's
rows with their colour level (overdue red, due today amber), the selected request, the form and
the last result. No Kivy here, like ``counter.view``, which holds this record as ``online``.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter import texts
from counter.online_desk import OnlineDesk
from counter.texts_online import day_month, short_date
from shared.contract.staff_bodies import OnlineItem

ONLINE_SHOWN = 60  # rows drawn; the summary counts them all


@dataclass(frozen=True)
class OnlineRowView:
    number: str
    level: str  # "" | "overdue" | "due_today"
    badge: str
    due: str
    detail: str  # channel · masked contact · where the conversation stands
    subject: str
    selected: bool


@dataclass(frozen=True)
class OnlineView:
    tab: str  # "queue" | "online"
    side: str  # the side panel's page: "queue" | "online" | "form"
    queue_tab: str
    online_tab: str
    online_level: str  # the most urgent row's level: colours the tab
    summary: str
    summary_level: str
    status_line: str  # loading, a failed load, the last result
    status_kind: str  # "" | "ok" | "error"
    rows: tuple[OnlineRowView, ...]
    empty: str
    selected_title: str  # the selected request, or how to pick one
    can_act: bool
    busy: bool
    close_label: str
    close_armed: bool
    channel: str
    contact_hint: str
    form_error: str
    clear_serial: int


def build_online_view(online: OnlineDesk, lang: str, waiting: int) -> OnlineView:
    level = "overdue" if online.overdue else "due_today" if online.due_today else ""
    status_line, status_kind = _status_line(online, lang)
    item, armed = online.selected_item, online.close_armed_at is not None
    rows = tuple(_row(i, online, lang) for i in online.items[:ONLINE_SHOWN])
    hidden = online.count - len(rows)
    empty = ""
    if online.state == "ready" and not rows:
        empty = texts.t(lang, "online.empty")
    elif hidden > 0:
        empty = texts.t(lang, "online.more", n=hidden)
    return OnlineView(
        tab=online.tab,
        side="queue" if online.tab == "queue" else online.mode if online.mode == "form" else "online",
        queue_tab=texts.t(lang, "queue.tab", n=waiting),
        online_tab=texts.t(lang, "online.tab", n=online.count)
        if online.count
        else texts.t(lang, "online.tab_none"),
        online_level=level,
        summary=_summary(online, lang),
        summary_level=level,
        status_line=status_line,
        status_kind=status_kind,
        rows=rows,
        empty=empty,
        selected_title=f"{item.number} — {item.subject}" if item else texts.t(lang, "online.pick"),
        can_act=item is not None and online.busy is None,
        busy=online.busy is not None,
        close_label=texts.t(lang, "online.close_confirm" if armed else "online.close"),
        close_armed=armed,
        channel=online.channel or "",
        contact_hint=texts.t(
            lang, f"online.contact_hint.{online.channel}" if online.channel else "online.contact_hint"
        ),
        form_error=_form_error(online, lang),
        clear_serial=online.clear_serial,
    )


def _summary(online: OnlineDesk, lang: str) -> str:
    if online.state != "ready" and not online.items:
        return ""
    if not online.count:
        return texts.t(lang, "online.summary.none")
    parts = [
        texts.t(lang, f"online.summary.{key}", n=n)
        for key, n in (("overdue", online.overdue), ("due_today", online.due_today))
        if n
    ]
    return " · ".join([*parts, texts.t(lang, "online.summary.open", n=online.count)])


def _status_line(online: OnlineDesk, lang: str) -> tuple[str, str]:
    if online.busy is not None:
        return texts.t(lang, "online.busy"), ""
    note = online.note
    if note is not None and note.kind == "error":
        return _error_text(str(note.params.get("code", "")), lang), "error"
    if online.state == "error":
        return texts.t(lang, "online.load_error"), "error"
    if note is not None:
        params = dict(note.params)
        if "due" in params:
            params["date"] = short_date(params.pop("due"), lang, online.today)
        return texts.t(lang, note.key, **params), "ok"
    if online.state == "loading":
        return texts.t(lang, "online.loading"), ""
    return "", ""


def _form_error(online: OnlineDesk, lang: str) -> str:
    code = online.form_error
    if code is None:
        return ""
    if code == "bad_contact" and online.channel in ("whatsapp", "email"):
        return texts.t(lang, f"online.err.bad_contact.{online.channel}")
    return _error_text(code, lang)


def _error_text(code: str, lang: str) -> str:
    return texts.error_text(code, lang, "online")


def _row(item: OnlineItem, online: OnlineDesk, lang: str) -> OnlineRowView:
    today = online.today
    at, when = item.last_message_at, ""
    if at is not None:  # the last message's time, office time: "17:52" today, else "24 Nov 17:52"
        when = f"{at:%H:%M}" if at.date() == today else f"{day_month(at, lang)} {at:%H:%M}"
    if item.status == "answered":  # the officer wrote last
        key = "online.status.answered"
    elif item.answered:  # open again: the visitor wrote after the officer's reply
        key = "online.status.again"
    else:  # never answered; any message is the visitor's
        key = "online.status.open_wrote" if when else "online.status.open"
    state = texts.t(lang, key, when=when).strip()
    parts = [texts.t(lang, f"channel.{item.channel}"), item.contact, state]
    return OnlineRowView(
        number=item.number,
        level=item.flag,
        badge=texts.t(lang, f"online.badge.{item.flag}") if item.flag else "",
        due=texts.t(lang, "online.due", date=short_date(item.due_date, lang, today)),
        detail="  ·  ".join(p for p in parts if p),
        subject=item.subject,
        selected=item.number == online.selected,
    )

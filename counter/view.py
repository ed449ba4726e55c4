"""The counter's screens as words: ``build_view(vm)`` turns the view-model into one frozen record
of every text, colour kind and enabled flag the widgets show. No Kivy here; the app assigns the
record to a property and the ``.kv`` rules read from it, so a test of this module is a test of
what the officer sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter import texts
from counter.staff_session import StaffSession
from counter.view_online import OnlineView, build_online_view
from counter.viewmodel import CounterViewModel, LastAnswer, WaitingSection
from shared.domain.priority import CALL_REASONS

# The keyboard shortcut of each action, as the buttons show it (the app maps the keys).
SHORTCUTS = {
    "next": "F1 / Enter",
    "recall": "R",
    "start": "S",
    "finish": "F",
    "noshow": "N",
    "transfer": "T",
    "break": "B",
    "hold": "H",
    "return": "K",
    "call_ticket": "L",
    "resume": "P",
}
BUTTON_ORDER = (
    "next",
    "recall",
    "start",
    "finish",
    "noshow",
    "transfer",
    "break",
    "hold",
    "return",
    "call_ticket",
)
PARKED_SHOWN = 4  # parked visitors listed at once (a desk rarely has more than one or two)
VOICE_DETAIL_SHOWN = 120  # characters of a player's error message: enough to tell the cause
WAITING_SHOWN = 24  # codes per service on screen; the count says how many wait in all


@dataclass(frozen=True)
class ButtonView:
    action: str
    label: str
    shortcut: str
    enabled: bool
    note: str = ""  # why it is not offered yet (no-show before enough recalls)


@dataclass(frozen=True)
class ChipView:
    code: str
    clock: str  # whole minutes on the 10-minute clock ("" while it has not started)
    level: str  # "" | "warning" | "breach"
    priority: bool = False
    idle: str = ""  # whole minutes waited while a desk serving the queue was idle ("" under one)


@dataclass(frozen=True)
class ParkedView:
    """A visitor parked at the desk (``hold``), with its resume and back-to-the-queue buttons."""

    code: str
    resume_enabled: bool
    return_enabled: bool


@dataclass(frozen=True)
class CallChoice:
    """A waiting ticket the out-of-order dialog offers."""

    code: str
    label: str
    priority: bool


@dataclass(frozen=True)
class SectionView:
    title: str
    count: str
    chips: tuple[ChipView, ...]
    more: str
    idle: str = ""  # a desk serving the queue is open with nobody at it while visitors wait
    idle_mine: bool = False  # ... and it is this desk: the officer may call someone
    service: str = ""  # the prefix


@dataclass(frozen=True)
class CounterView:
    screen: str  # "signin" | "desk"
    language: str
    desk_title: str
    signin_error: str
    signin_error_is_info: bool  # "you have signed out" is news, not a failure
    signin_busy: bool
    signin_attempts: int  # changes when a sign-in was answered: the PIN is typed again
    take_over_offered: bool  # desk_taken just now: "take over the desk" with the PIN just typed
    officer_text: str
    status: str  # closed | idle | called | serving | unknown
    status_text: str
    status_stale: bool  # the broker is unreachable: the status is the last one known
    banner_text: str
    banner_kind: str  # "" | "error" | "warning" | "info"
    printer_text: str
    voice_text: str  # a wall display's voice that failed (warning) or is off (info)
    voice_kind: str  # "" | "warning" | "info"
    has_visitor: bool
    visitor_code: str
    visitor_service: str
    visitor_times: str
    visitor_recalls: str
    visitor_name: str
    visitor_institution: str
    visitor_purpose: str
    visitor_id: str
    visitor_note: str
    empty_title: str
    empty_hint: str
    buttons: tuple[ButtonView, ...]
    signout_enabled: bool
    sections: tuple[SectionView, ...]
    answer_text: str
    answer_kind: str  # "" | "ok" | "error"
    transfer_title: str
    transfer_targets: tuple[tuple[str, str], ...]  # (prefix, label)
    online: OnlineView  # the side panel's online-requests tab
    visitor_priority: str = ""  # the priority mark of the desk's ticket ("" for an ordinary one)
    parked_title: str = ""
    parked: tuple[ParkedView, ...] = ()
    resume_label: str = ""
    return_parked_label: str = ""
    call_choices: tuple[CallChoice, ...] = ()
    call_reasons: tuple[tuple[str, str], ...] = ()  # (reason, words)

    def button(self, action: str) -> ButtonView:
        """The button for ``action`` (a disabled blank one for an unknown action: kv asks early)."""
        return next((b for b in self.buttons if b.action == action), ButtonView(action, "", "", False))


def build_view(vm: CounterViewModel) -> CounterView:
    lang = vm.language
    opts = vm.options
    desk = vm.desk
    status = desk.status if desk else "unknown"
    banner_text, banner_kind = _banner(vm)
    voice_text, voice_kind = _voices(vm)
    visitor = _visitor_texts(vm)
    session = vm.session
    officer = session.officer
    ticket = desk.ticket if desk else None
    targets = tuple(
        (s.prefix, f"{n}.  {s.prefix} — {s.name}") for n, s in enumerate(vm.transfer_targets(), start=1)
    )
    waiting = vm.waiting()
    return CounterView(
        screen="desk" if vm.signed_in else "signin",
        language=lang,
        desk_title=texts.t(lang, "signin.desk", desk_name=opts.desk_name, office=opts.office_name),
        signin_error=_signin_error(session, lang),
        signin_error_is_info=session.signin_error == "signed_out",
        signin_busy=session.signin_busy,
        signin_attempts=session.signin_attempts,
        take_over_offered=session.may_take_over and not session.signin_busy,
        officer_text=texts.t(lang, "desk.officer", name=officer.officer_name) if officer else "",
        status=status,
        status_text=texts.t(lang, f"status.{status}"),
        status_stale=not vm.link_up,
        banner_text=banner_text,
        banner_kind=banner_kind,
        printer_text=_printers(vm),
        voice_text=voice_text,
        voice_kind=voice_kind,
        has_visitor=ticket is not None,
        visitor_code=ticket or "",
        visitor_service=_service_label(vm, desk.service if desk else None),
        empty_title=texts.t(lang, "desk.closed" if status == "closed" else "desk.nobody"),
        empty_hint=texts.t(
            lang,
            "desk.closed_hint" if status == "closed" else "desk.nobody_hint",
            shortcut=SHORTCUTS["break" if status == "closed" else "next"],
        ),
        buttons=tuple(_button(vm, action) for action in BUTTON_ORDER),
        signout_enabled=vm.can("signout", display=True),
        sections=tuple(
            _section(section, lang, vm.options.desk, dict(vm.options.desk_names)) for section in waiting
        ),
        answer_text=_answer_text(vm, vm.answer),
        answer_kind=vm.answer.kind if vm.answer else "",
        transfer_title=texts.t(lang, "desk.transfer_title", ticket=ticket or ""),
        transfer_targets=targets,
        online=build_online_view(vm.online, lang, sum(section.count for section in waiting)),
        visitor_priority=texts.t(lang, "desk.priority") if desk and desk.ticket and desk.priority else "",
        parked_title=texts.t(lang, "desk.parked"),
        parked=tuple(
            ParkedView(
                code,
                vm.can("resume", display=True, ticket=code),
                vm.can("return", display=True, ticket=code),
            )
            for code in vm.parked[:PARKED_SHOWN]
        ),
        resume_label=texts.t(lang, "btn.resume"),
        return_parked_label=texts.t(lang, "btn.return_parked"),
        call_choices=tuple(
            CallChoice(
                t.code,
                f"{t.code}\n{texts.t(lang, 'ooo.priority')}" if t.priority else t.code,
                t.priority,
            )
            for t in vm.call_choices()
        ),
        call_reasons=tuple((reason, texts.reason_text(reason, lang)) for reason in CALL_REASONS),
        **visitor,
    )


def _banner(vm: CounterViewModel) -> tuple[str, str]:
    lang = vm.language
    pending = vm.pending if vm.pending_shown else None
    action = texts.t(lang, f"action.{pending.action}") if pending else ""
    if not vm.link_up:
        if pending is not None:
            return texts.t(lang, "link.lost_pending", action=action), "error"
        return texts.t(lang, "link.lost" if vm.ever_connected else "link.connecting"), "error"
    if vm.lobby.hub_online is False:
        return texts.t(lang, "link.hub_offline"), "warning"
    if pending is not None:
        if pending.busy_answers:
            return texts.t(lang, "link.pending_busy", action=action), "warning"
        if pending.attempts > 1:
            return texts.t(lang, "link.pending_retry", action=action, n=pending.attempts - 1), "info"
        return texts.t(lang, "link.pending", action=action), "info"
    return "", ""


def _printers(vm: CounterViewModel) -> str:
    # "unknown" is a transport that cannot tell (a file, a dummy): not a problem to nag about.
    problems = [
        texts.t(
            vm.language,
            "printer.problem",
            kiosk=p.kiosk,
            problem=texts.printer_problem(p.printer, p.pending_reprint, vm.language),
        )
        for p in sorted(vm.lobby.printers.values(), key=lambda p: p.kiosk)
        if p.printer in ("paper_out", "offline") or p.pending_reprint
    ]
    return "   ".join(problems)


def _voices(vm: CounterViewModel) -> tuple[str, str]:
    """The wall displays' voices: a failure is a warning (calls go unheard); a voice turned off is
    a quiet note; ready and ok say nothing. A kiosk whose spoken guide cannot be heard is a warning
    too (after the displays: the calls matter more); its guide turned off says nothing."""
    lang = vm.language
    shown = sorted(
        (d for d in vm.lobby.displays.values() if d.audio in ("failed", "off")),
        key=lambda d: (d.audio != "failed", d.display),  # failures first
    )
    lines = []
    for status in shown:
        if status.audio == "failed":
            detail = _detail(status.detail, lang)
            lines.append(texts.t(lang, "voice.failed", display=status.display, detail=detail))
        else:
            lines.append(texts.t(lang, "voice.off", display=status.display))
    guides = sorted((k for k in vm.lobby.printers.values() if k.audio == "failed"), key=lambda k: k.kiosk)
    for kiosk in guides:
        lines.append(
            texts.t(lang, "voice.guide_failed", kiosk=kiosk.kiosk, detail=_detail(kiosk.audio_detail, lang))
        )
    if not lines:
        return "", ""
    failed = guides or any(s.audio == "failed" for s in shown)
    return "\n".join(lines), "warning" if failed else "info"


def _detail(detail: str | None, lang: str) -> str:
    """A player's words as the counter shows them: without the final stop, cut to fit."""
    words = (detail or "").strip().rstrip(".") or texts.t(lang, "voice.no_detail")
    if len(words) > VOICE_DETAIL_SHOWN:
        words = words[: VOICE_DETAIL_SHOWN - 3].rstrip() + "..."
    return words


def _service_label(vm: CounterViewModel, prefix: str | None) -> str:
    if not prefix:
        return ""
    name = vm.options.service_names.get(prefix)
    return f"{prefix} — {name}" if name else prefix


def _visitor_texts(vm: CounterViewModel) -> dict[str, str]:
    lang = vm.language
    blank = dict.fromkeys(
        ("visitor_times", "visitor_recalls", "visitor_name", "visitor_institution", "visitor_purpose"), ""
    )
    blank |= {"visitor_id": "", "visitor_note": ""}
    desk = vm.desk
    if desk is None or desk.ticket is None:
        return blank
    now = vm.now()
    times = []
    visitor = vm.visitor.details
    if visitor is not None and visitor.issued_at is not None:
        end = visitor.called_at or now
        times.append(
            texts.t(lang, "desk.waited", time=texts.duration((end - visitor.issued_at).total_seconds()))
        )
    if desk.since is not None:
        key = "desk.serving_for" if desk.status == "serving" else "desk.at_desk"
        times.append(texts.t(lang, key, time=texts.duration((now - desk.since).total_seconds())))
    blank["visitor_times"] = "   ·   ".join(times)
    if vm.recalls:
        blank["visitor_recalls"] = texts.t(lang, "desk.recalls", n=vm.recalls)
    if vm.visitor.loading_shown:
        blank["visitor_note"] = texts.t(lang, "desk.loading")
    elif vm.visitor.state == "error":
        blank["visitor_note"] = texts.t(lang, "desk.visitor_error")
    elif visitor is not None and visitor.name is None:
        blank["visitor_note"] = texts.t(lang, "desk.no_guestbook")
    if visitor is not None and visitor.name is not None:
        blank["visitor_name"] = visitor.name
        blank["visitor_institution"] = visitor.institution or "—"
        blank["visitor_purpose"] = visitor.purpose or "—"
        id_type = (visitor.id_type or "").upper()
        blank["visitor_id"] = f"{id_type} {visitor.id_number or ''}".strip()
    return blank


def _button(vm: CounterViewModel, action: str) -> ButtonView:
    lang = vm.language
    if action == "break":
        closed = vm.desk is not None and vm.desk.status == "closed"
        real = "open" if closed else "close"
        return ButtonView(
            "break", texts.t(lang, f"btn.{real}"), SHORTCUTS["break"], vm.can(real, display=True)
        )
    note = ""
    called = vm.desk is not None and vm.desk.status == "called"
    if action == "noshow" and called and vm.recalls < vm.options.noshow_after_recalls:
        note = texts.t(lang, "btn.noshow_after", n=vm.options.noshow_after_recalls)
    enabled = vm.can(action, display=True)
    return ButtonView(action, texts.t(lang, f"btn.{action}"), SHORTCUTS[action], enabled, note)


def _section(section: WaitingSection, lang: str, desk: str, desk_names: dict[str, str]) -> SectionView:
    chips = tuple(
        ChipView(
            t.code,
            texts.minutes(t.clock.clock_s, lang) if t.clock and t.clock.clock_s is not None else "",
            (t.clock.level or "") if t.clock else "",
            t.priority,
            texts.t(lang, "desk.idle_chip", n=int(t.idle_desk_s // 60)) if t.idle_desk_s >= 60 else "",
        )
        for t in section.tickets[:WAITING_SHOWN]
    )
    hidden = section.count - len(chips)
    count = (
        texts.t(lang, "desk.waiting_count", count=section.count)
        if section.count
        else texts.t(lang, "desk.waiting_none")
    )
    priority = sum(1 for t in section.tickets if t.priority)
    if priority:
        count += " · " + texts.t(lang, "desk.waiting_priority", n=priority)
    idle, mine = _idle_line(section, lang, desk, desk_names)
    return SectionView(
        title=f"{section.service} — {section.name}",
        count=count,
        chips=chips,
        more=texts.t(lang, "desk.waiting_more", n=hidden) if hidden > 0 else "",
        idle=idle,
        idle_mine=mine,
        service=section.service,
    )


def _idle_line(section: WaitingSection, lang: str, desk: str, desk_names: dict[str, str]) -> tuple[str, bool]:
    """The line under a service's title while visitors wait and a desk serving them is idle: this
    desk's own (the officer may call someone) or the others', with the longest such wait."""
    if not section.count or not section.idle_desks:
        return "", False
    longest = max((t.idle_desk_s for t in section.tickets), default=0.0)
    if desk in section.idle_desks:
        line, mine = texts.t(lang, "desk.idle_mine", count=section.count), True
    else:
        names = ", ".join(desk_names.get(d, d) for d in section.idle_desks)
        line, mine = texts.t(lang, "desk.idle_other", desks=names), False
    if longest >= 60:  # whole minutes, as the clocks: "0 mnt" would say nothing
        line += " · " + texts.t(lang, "desk.idle_longest", time=texts.minutes(longest, lang))
    return line, mine


def _answer_text(vm: CounterViewModel, answer: LastAnswer | None) -> str:
    if answer is None:
        return ""
    lang = vm.language
    if answer.key:
        return texts.t(lang, answer.key)
    text = texts.answer_text(answer.answer or {}, lang, vm.options.desk_name, vm.options.service_names)
    return text if answer.mine else texts.t(lang, "answer.from_button", text=text)


def _signin_error(session: StaffSession, lang: str) -> str:
    if session.signin_error == "desk_taken" and session.taken_by:
        return texts.t(lang, "signin.taken", name=session.taken_by)
    return texts.error_text(session.signin_error, lang, "signin") if session.signin_error else ""

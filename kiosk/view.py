"""Words for the screens, from the view-model's state and codes, in the visitor's language.
Plain functions (no Kivy): the app's widgets show what these return, and tests read them too."""

from __future__ import annotations

from kiosk import texts
from kiosk.closed import closed_lines
from kiosk.flow import LOOKUP
from kiosk.touch import texts as touch_texts
from kiosk.viewmodel import KioskViewModel


def t(vm: KioskViewModel, key: str, **values: object) -> str:
    return texts.t(vm.language, key, **values)


def field_error(vm: KioskViewModel, field: str) -> str:
    """The red message under ``field``, or ``""``."""
    if field == LOOKUP:
        return lookup_error(vm)
    if not vm.show_errors or field not in vm.errors:
        return ""
    return touch_texts.field_error(vm.language, field, vm.errors[field])


def lookup_error(vm: KioskViewModel) -> str:
    code = vm.returning.error
    if not code:
        return ""
    if code == "not_found":
        return t(vm, "returning.not_found")
    if code == "kiosk.error":
        return t(vm, "kiosk.error")
    if code.startswith("hub."):
        return texts.hub_error(vm.language, code.removeprefix("hub."))
    field = "email" if vm.returning.mode == "email" else "id_number"
    return touch_texts.field_error(vm.language, field, code)


def hint(vm: KioskViewModel, field: str) -> str:
    if field == "id_number":
        return t(vm, f"hint.id_number.{vm.fields['id_type'] or 'ktp'}")
    if field == LOOKUP:
        return t(vm, "hint.email" if vm.returning.mode == "email" else "hint.id_number.ktp")
    return t(vm, f"hint.{field}")


def notice_lines(vm: KioskViewModel) -> tuple[str, str]:
    """(what happened, what to do now) for the problem screen."""
    notice = vm.notice
    if notice is None:
        return "", ""
    if notice.kind == "printer":
        what = texts.printer_problem(vm.language, notice.code)
    elif notice.kind == "hub":
        what = texts.hub_error(vm.language, notice.code)
    else:
        what = t(vm, "kiosk.error")
    todo = t(vm, "problem.go_front_desk")
    if notice.kind == "hub" and notice.can_retry:
        todo = t(vm, "problem.if_still_failing")
    if notice.staff_told:
        todo = f"{todo} {t(vm, 'problem.staff_told')}"
    return what, todo


def ticket_lines(vm: KioskViewModel) -> dict[str, str]:
    ticket = vm.ticket
    if ticket is None:
        return {"code": "", "service": "", "ahead": "", "wait": "", "message": "", "priority": ""}
    if vm.issue.reprinting:
        message = t(vm, "ticket.reprinting")
    elif vm.printed:
        message = t(vm, "ticket.take")
    else:
        message = t(vm, "ticket.not_printed")
    wait = texts.wait_text(vm.language, ticket.estimated_wait_min) if ticket.ahead > 0 else ""
    return {
        "code": ticket.code,
        "service": ticket.service_name,
        "ahead": texts.ahead_text(vm.language, ticket.ahead),
        "wait": wait,
        "message": message,
        "priority": t(vm, "ticket.priority") if ticket.priority else "",
    }


def welcome_banner(vm: KioskViewModel) -> str:
    if vm.issue.unprinted:
        return t(vm, "welcome.unprinted", codes=", ".join(tk.code for tk in vm.issue.unprinted))
    if vm.issue.printer_problem:
        return t(vm, "welcome.printer_problem")
    return ""


def closed_text(vm: KioskViewModel, key: str) -> str:
    """The closed welcome screen's words: ``title``, ``reopens`` (day and time)."""
    if vm.closed is None:
        return ""
    title, reopens = closed_lines(vm.language, vm.closed, vm.wall())
    return {"title": title, "reopens": reopens}[key]


def ui_value(vm: KioskViewModel, name: str) -> str | bool:
    """One value a screen shows, by a dotted name (what the ``.kv`` files ask for)."""
    group, _, key = name.partition(".")
    if name.endswith("."):
        return ""  # a widget whose field is not set yet (while Kivy builds it)
    if group == "error":
        return field_error(vm, key)
    if group == "hint":
        return hint(vm, key)
    if group == "value" and key.startswith("r_"):
        return vm.rating.values.get(key, "")
    if group == "value":
        return vm.returning.value if key == LOOKUP else vm.fields.get(key, "")
    if group == "ticket":
        return ticket_lines(vm)[key]
    if group == "notice":
        what, todo = notice_lines(vm)
        notice = vm.notice
        return {
            "what": what,
            "todo": todo,
            "can_retry": bool(notice and notice.can_retry),
            "can_check": bool(notice and notice.back_to),
        }[key]
    if group == "flag":
        return _flag(vm, key)
    if group == "closed":
        return closed_text(vm, key)
    if name == "welcome_back":
        guest = vm.returning.guest
        letter = guest.masked.get("initial", "") if guest else ""
        return t(vm, "prefill.welcome", initial=letter) if letter else t(vm, "prefill.welcome_plain")
    if name == "banner":
        return welcome_banner(vm)
    if name == "lookup_label":
        return t(vm, "returning.field_email" if vm.returning.mode == "email" else "returning.field_id")
    if name == "service":
        return vm.options.service_name(vm.service, vm.language) if vm.service else ""
    raise KeyError(name)


def _flag(vm: KioskViewModel, key: str) -> bool:
    flags = {
        "busy": vm.busy,
        "reprinting": vm.issue.reprinting,
        "printed": vm.printed,
        "can_reprint": bool(vm.ticket and not vm.printed and not vm.issue.reprinting),
        "has_unprinted": bool(vm.issue.unprinted) and not vm.issue.reprinting,
        "not_found": vm.returning.error in ("not_found", "hub.unknown_ref"),
        "lookup_email": vm.returning.mode == "email",
        "form_errors": vm.show_errors and bool(vm.errors),
        "single_service": len(vm.options.services) == 1,
        "closed": vm.closed is not None,
        "category_chosen": vm.category_chosen,
        "speech": vm.spoken_guide,
        "speech_offered": vm.options.spoken_guide != "off",
    }
    return flags[key]

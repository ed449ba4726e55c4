"""Words for the rating screens, from ``RatingViewModel``'s state, in the visitor's language. Plain
functions (no Kivy): the ``.kv`` files ask for values by a dotted name through ``ui_value``."""

from __future__ import annotations

from kiosk.rating import texts
from kiosk.rating.steps import CONTACT
from kiosk.rating.viewmodel import RatingViewModel
from kiosk.touch import texts as touch_texts
from shared.contract.feedback_requests import TEXT_LIMIT
from shared.domain import skm, skm_profile


def t(vm: RatingViewModel, key: str, **values: object) -> str:
    return texts.t(vm.language, key, **values)


def field_error(vm: RatingViewModel, name: str) -> str:
    """The red message under field ``name`` (or ``"form"``: under the whole form), or ``""``."""
    code = vm.errors.get(name)
    if not code:
        return ""
    if code.startswith("hub."):
        return texts.hub_error(vm.language, code.removeprefix("hub."))
    if code == "not_a_code":
        return t(vm, "code.not_a_code")
    if code == "empty":
        return t(vm, "complaint.empty")
    if code == "too_long":
        return t(vm, "complaint.too_long", max=TEXT_LIMIT)
    return touch_texts.field_error(vm.language, CONTACT.get(name, name), code)


def ticket_line(vm: RatingViewModel) -> str:
    survey = vm.survey
    if survey is None or not survey.code:
        return ""
    if survey.desk_name:
        return t(vm, "faces.ticket", ticket=survey.code, desk=survey.desk_name)
    return t(vm, "faces.ticket_only", ticket=survey.code)


def element_value(vm: RatingViewModel, key: str) -> str:
    element = vm.element
    if key == "question":
        return element.question(vm.language)
    if key == "progress":
        return t(vm, "element.progress", n=vm.element_index + 1, total=len(skm.ELEMENTS),
                 name=element.name(vm.language))  # fmt: skip
    return element.answers(vm.language)[int(key) - 1]  # "1".."4"


def profile_value(vm: RatingViewModel, key: str) -> str | bool:
    """The profile page: ``question``, ``progress``, ``count`` (answers of the item, as text),
    ``answer_N`` (its words, 1-based; "" past the item's answers), ``shown_N`` (button N is used)."""
    item = vm.profile_item
    if key == "count":
        return str(len(item.answers))
    if key == "question":
        return item.question(vm.language)
    if key == "progress":
        return t(vm, "profile.progress", n=vm.profile_index + 1, total=len(skm_profile.ITEMS),
                 name=item.name(vm.language))  # fmt: skip
    kind, _, number = key.partition("_")
    index = int(number)
    if kind == "shown":
        return index <= len(item.answers)
    return item.answers[index - 1].text(vm.language) if index <= len(item.answers) else ""


def channels(vm: RatingViewModel) -> str:
    return t(vm, "complaint.channels", channels=" - ".join(vm.options.channels.remote()))


def ui_value(vm: RatingViewModel, name: str) -> str | bool:
    """One value a rating screen shows, by a dotted name."""
    if name.endswith("."):
        return ""  # a widget whose name is not set yet (while Kivy builds it)
    group, _, key = name.partition(".")
    if group == "error":
        return field_error(vm, key)
    if group == "value":
        return vm.values.get(key, "")
    if group == "element":
        return element_value(vm, key)
    if group == "profile":
        return profile_value(vm, key)
    if group == "face":
        return t(vm, f"face.{key}")
    if group == "flag":
        return {
            "busy": vm.busy,
            "suggestion": vm.complaint.kind == "suggestion",
            "can_complain": vm.complaint.allowed_after_problem,
            "has_ticket": bool(vm.survey and vm.survey.code),
        }[key]
    if name == "ticket":
        return ticket_line(vm)
    if name == "channels":
        return channels(vm)
    if name == "problem":
        return texts.hub_error(vm.language, vm.problem) if vm.problem else ""
    if name == "done_title":
        return t(vm, "done.title_suggestion" if vm.complaint.kind == "suggestion" else "done.title")
    if name == "number":
        return vm.complaint.number or ""
    if name == "desk":
        desk = vm.options.desk_name or vm.options.desk
        return t(vm, "idle.desk", desk=desk) if desk else ""
    raise KeyError(name)

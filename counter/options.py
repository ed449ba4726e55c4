"""The counter's settings: which desk, its services, the staff API, the language.

Read from the site config (``[[desks]]``, ``[[services]]``, ``[[officers]]``, ``[hub] staff_api``)
and the ``[counter]`` section; command-line options win:

    [counter]
    desk = "2"                  # or --desk 2
    language = "id"             # or --lang en
    noshow_after_recalls = 2    # no-show is offered after this many recalls
    staff_url = "http://10.0.0.5:8742"   # default: from [hub] staff_api
    retry_after_s = 3           # an unanswered command is sent again (same request_id) after this
    online_refresh_s = 30       # the online requests' list is fetched again this often
"""

from __future__ import annotations

from dataclasses import dataclass

from counter import texts
from shared.config import ConfigError, Settings

DEFAULT_STAFF_API = "127.0.0.1:8742"  # the hub's default ([hub] staff_api)


@dataclass(frozen=True)
class ServiceInfo:
    prefix: str
    name: str


@dataclass(frozen=True)
class CounterOptions:
    site: str
    desk: str
    desk_name: str
    office_name: str
    services: tuple[ServiceInfo, ...]  # the desk's, in config order
    all_services: tuple[ServiceInfo, ...]  # the office's: the transfer targets
    staff_url: str = f"http://{DEFAULT_STAFF_API}"
    language: str = texts.DEFAULT_LANGUAGE
    noshow_after_recalls: int = 2
    retry_after_s: float = 3.0
    officers: tuple[tuple[str, str], ...] = ()  # (id, name): quick choice on the sign-in screen
    online_refresh_s: float = 30.0

    @property
    def hub_client_id(self) -> str:
        return f"antre-hub-{self.site}"

    @property
    def service_names(self) -> dict[str, str]:
        return {s.prefix: s.name for s in self.all_services}


def staff_url_from(settings: Settings) -> str:
    """``[counter] staff_url``, else ``http://`` + ``[hub] staff_api`` (a wildcard bind means this
    machine)."""
    explicit = settings.section("counter").get("staff_url")
    if explicit:
        return str(explicit).rstrip("/")
    address = str(settings.section("hub").get("staff_api", DEFAULT_STAFF_API))
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f'[hub] staff_api must be "host:port", got {address!r}')
    if host in ("0.0.0.0", "::", "[::]", ""):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def counter_options(
    settings: Settings, desk: str | None = None, language: str | None = None
) -> CounterOptions:
    section = settings.section("counter")
    desk_id = str(desk or section.get("desk") or "")
    if not desk_id:
        raise ConfigError("which desk? give --desk N or set [counter] desk")
    desks = {d.id: d for d in settings.desks}
    if desk_id not in desks:
        raise ConfigError(f"desk {desk_id!r} is not in the config (desks: {', '.join(desks)})")
    lang = str(language or section.get("language") or texts.DEFAULT_LANGUAGE)
    if lang not in texts.LANGUAGES:
        raise ConfigError(f"[counter] language must be one of {', '.join(texts.LANGUAGES)}, got {lang!r}")
    try:
        recalls = int(section.get("noshow_after_recalls", 2))
        retry = float(section.get("retry_after_s", 3.0))
        refresh = float(section.get("online_refresh_s", 30.0))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[counter]: {exc}") from exc
    if recalls < 0 or retry <= 0 or refresh < 1:
        raise ConfigError(
            "[counter] noshow_after_recalls must be >= 0, retry_after_s > 0 and online_refresh_s >= 1"
        )
    all_services = tuple(ServiceInfo(s.prefix, s.name) for s in settings.services)
    names = {s.prefix: s for s in all_services}
    officers = tuple(
        (str(item["id"]), str(item.get("name", item["id"])))
        for item in settings.raw.get("officers", [])
        if isinstance(item, dict) and "id" in item and item.get("active", True)
    )
    return CounterOptions(
        site=settings.site,
        desk=desk_id,
        desk_name=desks[desk_id].name,
        office_name=settings.office_name,
        services=tuple(names[p] for p in desks[desk_id].services if p in names),
        all_services=all_services,
        staff_url=staff_url_from(settings),
        language=lang,
        noshow_after_recalls=recalls,
        retry_after_s=retry,
        officers=officers,
        online_refresh_s=refresh,
    )

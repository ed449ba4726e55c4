"""The counter's settings: which desk, its services, the staff API, the language.

Read from the site config (``[[desks]]``, ``[[services]]``, ``[[officers]]``, ``[console]``)
and the ``[counter]`` section; command-line options win. The hub's retained ``site/services``
(the console's setup page) then replaces the desks' and services' names and what this desk serves
(``with_catalogue``):

    [counter]
    desk = "2"                  # or --desk 2
    language = "id"             # or --lang en
    noshow_after_recalls = 2    # no-show is offered after this many recalls
    staff_url = "https://192.168.1.10:8742"   # default: see staff_url_from
    ca_file = "/etc/antre/ca.crt"  # default: the MQTT CA (ANTRE_MQTT_CA, [mqtt] ca_file)
    retry_after_s = 3           # an unanswered command is sent again (same request_id) after this
    online_refresh_s = 30       # the online requests' list is fetched again this often
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from counter import texts
from shared.config import ConfigError, Settings, is_loopback
from shared.contract.catalogue import SiteServices

DEFAULT_STAFF_API = "127.0.0.1:8742"  # the hub's default ([console] listen)
WILDCARDS = ("0.0.0.0", "::", "")


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
    staff_ca_file: str | None = None  # https:// staff_url: the only CA trusted for it
    language: str = texts.DEFAULT_LANGUAGE
    noshow_after_recalls: int = 2
    retry_after_s: float = 3.0
    officers: tuple[tuple[str, str], ...] = ()  # (id, name): quick choice on the sign-in screen
    online_refresh_s: float = 30.0
    desk_names: tuple[tuple[str, str], ...] = ()  # (id, name) of every desk: the idle desks' names

    @property
    def hub_client_id(self) -> str:
        return f"antre-hub-{self.site}"

    @property
    def service_names(self) -> dict[str, str]:
        return {s.prefix: s.name for s in self.all_services}


def staff_url_from(settings: Settings) -> str:
    """Where the counter signs in: ``[counter] staff_url``; else, when the broker is another
    machine reached over TLS (a counter box), ``https://`` + the broker's host (the console
    serves the broker's certificate, which names the hub as the devices' URLs do); else the
    hub on this machine at ``[console] listen`` (``https://`` when the console has a
    certificate; a wildcard bind means this machine). Plain ``http://`` to another machine is
    refused: PINs, session tokens and visitors' details would cross the network readable."""
    explicit = settings.section("counter").get("staff_url")
    if explicit:
        url = str(explicit).rstrip("/")
    else:
        host, port = _console_listen(settings)
        mqtt = settings.mqtt
        if mqtt.tls and not is_loopback(mqtt.host):
            url = f"https://{_bracketed(mqtt.host)}:{port}"
        elif _console_cert(settings):
            url = f"https://{'localhost' if host in WILDCARDS else _bracketed(host)}:{port}"
        else:
            url = f"http://{'127.0.0.1' if host in WILDCARDS else _bracketed(host)}:{port}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"[counter] staff_url must be https://<hub>:<port>, got {url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(
            f"[counter] staff_url {url} is plain http:// to another machine: officers' PINs, session "
            "tokens and visitors' details would cross the network unencrypted. Use "
            f"https://{_bracketed(parts.hostname)}:{parts.port or 8742} with the lobby's CA "
            "(ANTRE_MQTT_CA or [counter] ca_file; docs/security.md)"
        )
    return url


def staff_ca_from(settings: Settings, staff_url: str) -> str | None:
    """The CA file trusted for an ``https://`` staff URL, and no other: ``[counter] ca_file``, else
    the MQTT CA (the same lobby CA signed both), else ``ca.crt`` beside the console's own
    certificate (a counter on the hub machine). None for plain HTTP on loopback."""
    if urlsplit(staff_url).scheme != "https":
        return None
    cert = _console_cert(settings)
    beside = str(Path(cert).with_name("ca.crt")) if cert else ""
    for source, value in (
        ("[counter] ca_file", settings.section("counter").get("ca_file")),
        ("ANTRE_MQTT_CA", settings.mqtt_ca_file),
        ("the console's ca.crt", beside if beside and Path(beside).is_file() else ""),
    ):
        if value:
            path = Path(str(value)).expanduser()
            if not path.is_file():
                raise ConfigError(f"the staff API's CA file ({source}) is not a file: {path}")
            return str(path)
    raise ConfigError(
        f"[counter] staff_url {staff_url} is HTTPS but no CA is given to check the hub's certificate: "
        "copy the hub's ca.crt to this machine and set ANTRE_MQTT_CA or [counter] ca_file"
    )


def _console_listen(settings: Settings) -> tuple[str, str]:
    console, hub = settings.section("console"), settings.section("hub")
    address = str(console.get("listen") or hub.get("staff_api") or DEFAULT_STAFF_API)
    host, _, port = address.rpartition(":")
    if not port.isdigit():
        raise ConfigError(f'[console] listen must be "host:port", got {address!r}')
    return host.strip("[]"), port


def _console_cert(settings: Settings) -> str:
    return str(settings.section("console").get("tls_cert") or "")


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


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
    staff_url = staff_url_from(settings)
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
        staff_url=staff_url,
        staff_ca_file=staff_ca_from(settings, staff_url),
        language=lang,
        noshow_after_recalls=recalls,
        retry_after_s=retry,
        officers=officers,
        online_refresh_s=refresh,
        desk_names=tuple((d.id, d.name) for d in settings.desks),
    )


def with_catalogue(options: CounterOptions, found: SiteServices) -> CounterOptions:
    """``options`` with the hub's ``site/services`` in place of the config file's: the desk's name
    and the services it serves, the office's services (transfer targets) and desk names, as a
    supervisor set them on the console. A catalogue without this desk changes nothing."""
    desk = next((d for d in found.desks if d.desk == options.desk), None)
    if desk is None:
        return options
    all_services = tuple(ServiceInfo(s.prefix, s.name) for s in found.services)
    names = {s.prefix: s for s in all_services}
    return replace(
        options,
        desk_name=desk.name,
        services=tuple(names[p] for p in desk.services if p in names),
        all_services=all_services,
        desk_names=tuple((d.desk, d.name) for d in found.desks),
    )

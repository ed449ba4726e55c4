"""``antre doctor`` and the staff console: where it is, whether it follows its rules (HTTPS off
loopback), and whether it answers with a certificate the counters will accept.

The check does what a counter does: HTTPS trusting the lobby's CA only, the host name checked,
TLS 1.2 at least, then one request that needs no sign-in (401 is an answer). It also reads how
long the certificate has left: a certificate that expires locks every counter out at once.
"""

from __future__ import annotations

import http.client
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from deploy.ops.doctor_base import Check
from shared.config import ConfigError, Settings
from shared.contract import staff_api

NAME = "console"
WARN_DAYS = 30
RENEW = "antre broker certs --renew --name <each name the devices use>"


@dataclass(frozen=True)
class ConsoleTarget:
    url: str  # the base URL, without a trailing /
    ca_file: str | None  # https: the only CA trusted
    problem: str | None = None  # the settings are wrong: nothing to try


def hub_target(settings: Settings) -> ConsoleTarget:
    """The console as the hub serves it (``[console]``), reached from the hub machine."""
    from broker.console.settings import ConsoleSettings

    try:
        where = ConsoleSettings.from_settings(settings)
    except ConfigError as exc:
        return ConsoleTarget("", None, f"{exc}; the hub will not start until it is fixed")
    wildcard = where.host in ("0.0.0.0", "::", "")
    if not where.https:
        host = "127.0.0.1" if wildcard else where.host
        return ConsoleTarget(f"http://{host}:{where.port}", None)
    host = "localhost" if wildcard else (f"[{where.host}]" if ":" in where.host else where.host)
    ca = Path(str(where.cert)).with_name("ca.crt")
    ca_file = str(ca) if ca.is_file() else (settings.mqtt_ca_file or None)
    return ConsoleTarget(f"https://{host}:{where.port}", ca_file)


def counter_target(settings: Settings) -> ConsoleTarget:
    """The console as this box's counter reaches it (``counter.options``)."""
    from counter.options import staff_ca_from, staff_url_from

    try:
        url = staff_url_from(settings)
        return ConsoleTarget(url, staff_ca_from(settings, url))
    except ConfigError as exc:
        return ConsoleTarget("", None, f"{exc}; the counter will not start until it is fixed")


def check_console(target: ConsoleTarget, now: float | None = None) -> Check:
    if target.problem:
        return Check("PROBLEM", NAME, target.problem)
    parts = urlsplit(target.url)
    host, port = parts.hostname or "", parts.port or 8742
    https = parts.scheme == "https"
    if https and not target.ca_file:
        return Check(
            "UNKNOWN", NAME, f"could not tell: no CA file to check {target.url}'s certificate with "
            "(ca.crt beside [console] tls_cert, or ANTRE_MQTT_CA)"
        )  # fmt: skip
    try:
        if https:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.load_verify_locations(cafile=target.ca_file)
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, context=context, timeout=3
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=3)
        try:
            conn.request("GET", staff_api.url("visitor"))
            conn.getresponse().read()  # 401 without a sign-in: it answers, which is what is checked
            cert = conn.sock.getpeercert() if https and conn.sock is not None else None
        finally:
            conn.close()
    except ssl.SSLCertVerificationError as exc:
        return Check("PROBLEM", NAME, _untrusted(target, host, exc))
    except (OSError, http.client.HTTPException) as exc:
        why = getattr(exc, "strerror", None) or exc
        return Check(
            "PROBLEM", NAME, f"nothing answers at {target.url} ({why}): officers cannot sign in. "
            "Fix: is antre-hub running (`journalctl -u antre-hub -n 50`)? Does [console] listen (or "
            "[counter] staff_url) hold the hub's address?"
        )  # fmt: skip
    if not https:
        return Check("OK", NAME, f"answers at {target.url} (plain HTTP: this machine only)")
    return _expiry(target, cert, time.time() if now is None else now)


def _untrusted(target: ConsoleTarget, host: str, exc: ssl.SSLCertVerificationError) -> str:
    if exc.verify_code == 62 or "match" in str(exc.verify_message or exc):  # X509_V_ERR_HOSTNAME_MISMATCH
        return (
            f"the certificate at {target.url} does not name {host}, so counters refuse it. Fix: on the "
            f"hub `antre broker certs --renew --name {host} --name <the other names>`, or use a name "
            "it holds in [counter] staff_url"
        )
    return (
        f"the certificate at {target.url} is not trusted with {target.ca_file} "
        f"({exc.verify_message}). Fix: copy the hub's /var/lib/antre/tls/ca.crt to {target.ca_file}"
    )


def _expiry(target: ConsoleTarget, cert: dict | None, now: float) -> Check:  # type: ignore[type-arg]
    if not cert or "notAfter" not in cert:
        return Check("OK", NAME, f"answers at {target.url} over HTTPS (certificate checked)")
    days = int((ssl.cert_time_to_seconds(str(cert["notAfter"])) - now) // 86400)
    if days < WARN_DAYS:
        return Check(
            "WARN", NAME, f"the certificate at {target.url} expires in {days} days: then no counter can "
            f"sign in. Fix: on the hub `{RENEW}`, restart antre-broker and antre-hub"
        )  # fmt: skip
    return Check("OK", NAME, f"answers at {target.url} over HTTPS, certificate valid {days} more days")

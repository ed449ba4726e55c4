"""Where the console listens and with which certificate: ``[console]`` of the site config.

``listen = "host:port"`` (default ``127.0.0.1:8742``; the old ``[hub] staff_api`` is read when
``[console]`` does not say). Off loopback the console speaks HTTPS only: ``tls_cert`` and
``tls_key`` must name existing files (``antre setup --role hub`` writes them: the broker's
certificate in ``<data dir>/tls``, which names the hub machine and chains to the lobby's CA), or
the hub refuses to start, because PINs, session cookies and visitors' details would cross the
lobby network readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shared.config import ConfigError, Settings, is_loopback

DEFAULT_LISTEN = "127.0.0.1:8742"


@dataclass(frozen=True)
class ConsoleSettings:
    host: str
    port: int
    cert: Path | None  # None: plain HTTP (loopback only)
    key: Path | None

    @property
    def https(self) -> bool:
        return self.cert is not None

    def base_url(self, port: int | None = None) -> str:
        scheme = "https" if self.https else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{port or self.port}"

    @classmethod
    def from_settings(cls, settings: Settings) -> ConsoleSettings:
        section = settings.section("console")
        listen = str(section.get("listen") or settings.section("hub").get("staff_api") or DEFAULT_LISTEN)
        host, _, port = listen.rpartition(":")
        host = host.strip("[]")
        if not host or not port.isdigit():
            raise ConfigError(f'[console] listen must be "host:port", got {listen!r}')
        cert, key = _tls_files(settings, section)
        if cert is None and not is_loopback(host):
            raise ConfigError(
                f"[console] listen = {listen!r} is off loopback, and the console speaks HTTPS only "
                "there: give tls_cert and tls_key, or make the lobby's certificates with "
                "'antre broker certs' (docs/security.md)"
            )
        return cls(host, int(port), cert, key)


def _tls_files(settings: Settings, section: dict) -> tuple[Path | None, Path | None]:  # type: ignore[type-arg]
    cert, key = section.get("tls_cert"), section.get("tls_key")
    if cert is None and key is None:
        return None, None
    if not cert or not key:
        raise ConfigError("[console] needs both tls_cert and tls_key, or neither")
    paths = Path(str(cert)).expanduser(), Path(str(key)).expanduser()
    for path in paths:
        if not path.is_file():
            raise ConfigError(f"[console] certificate file not found: {path}")
    return paths

"""``antre setup --role ...``: put one device's part of Antre under systemd, idempotently.

It writes files only where their content changes, never overwrites the technician's
``/etc/antre/antre.toml`` or ``antre.env`` (a fresh ``.example`` of each is written beside them),
installs the units of ``deploy/systemd/`` for the role with the real path of ``antre`` in them, and
enables them the way ``systemctl enable`` does (a symlink in the target's ``.wants/``), so the same
code runs under ``--root PREFIX`` (an image being built, a test) and on the live system. Only on
the live system (``--root /``) does it create the ``antre`` user and call systemctl and udevadm.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from shared.config import ConfigError

DEPLOY_DIR = Path(__file__).resolve().parents[1]
DEFAULT_BIN = "/opt/antre/.venv/bin/antre"  # the path the unit files are written with
DEFAULT_CAGE = "/usr/bin/cage"
USER = "antre"
HOME = "/var/lib/antre"
CONFIG_PATH = Path("/etc/antre/antre.toml")
ENV_PATH = Path("/etc/antre/antre.env")
CA_PATH = Path("/etc/antre/ca.crt")  # the lobby's CA on every other device, pinned by ANTRE_MQTT_CA
TLS_DIR = f"{HOME}/tls"  # the CA and the hub's certificate (broker/mosquitto/certs.py CertFiles)
CONSOLE_PORT = 8742
KEY_PATH = Path("/etc/antre/antre.key")  # the site key (shared.store.keys): the hub only
# Groups the screen apps need without a desktop: the GPU, touch input, sound, printers, serial.
EXTRA_GROUPS = ("video", "render", "input", "audio", "lp", "dialout")
UNIT_DIR = "etc/systemd/system"


@dataclass(frozen=True)
class Role:
    units: tuple[str, ...]  # files copied from deploy/systemd
    enable: tuple[str, ...]  # what is enabled; "{desk}" becomes the desk id
    udev: bool = False
    mask_mosquitto: bool = False
    screen: bool = False  # a full-screen app under cage


ROLES: dict[str, Role] = {
    "hub": Role(
        units=(
            "antre-broker.service",
            "antre-hub.service",
            "antre-backup.service",
            "antre-backup.timer",
            "antre-purge.service",
            "antre-purge.timer",
        ),
        enable=("antre-broker.service", "antre-hub.service", "antre-backup.timer", "antre-purge.timer"),
        # Debian's own mosquitto.service would take port 1883 before antre-broker does.
        mask_mosquitto=True,
    ),
    "kiosk": Role(units=("antre-kiosk.service",), enable=("antre-kiosk.service",), screen=True, udev=True),
    "display": Role(units=("antre-display.service",), enable=("antre-display.service",), screen=True),
    "counter": Role(units=("antre-counter@.service",), enable=("antre-counter@{desk}.service",), screen=True),
    "rating": Role(units=("antre-rate@.service",), enable=("antre-rate@{desk}.service",), screen=True),
}
DESK_ROLES = frozenset({"counter", "rating"})
_DESK_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")  # safe as a systemd instance name as it is

Runner = Callable[[Sequence[str]], None]


def run_command(command: Sequence[str]) -> None:
    """Run a system command; a failure is reported by the caller in plain words."""
    subprocess.run(list(command), check=True, capture_output=True, text=True, timeout=120)


@dataclass
class Installer:
    """Writes under ``root`` and records every step in ``log`` (``--dry-run``: records only)."""

    root: Path
    dry_run: bool = False
    log: list[str] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.root.resolve() == Path("/")

    def path(self, absolute: str | Path) -> Path:
        return self.root / str(absolute).lstrip("/")

    def write(self, absolute: str | Path, content: str, mode: int = 0o644, keep: bool = False) -> None:
        """Write ``content`` unless identical (``keep``: unless the file exists at all)."""
        target = self.path(absolute)
        if target.exists() and (keep or target.read_text(encoding="utf-8") == content):
            self.log.append(f"kept      {absolute}" + (" (yours: not overwritten)" if keep else ""))
            return
        self.log.append(f"wrote     {absolute}")
        if self.dry_run:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        target.chmod(mode)

    def link(self, absolute: str, points_to: str) -> None:
        """A symlink, replaced only when it points elsewhere (what systemctl enable/mask make)."""
        target = self.path(absolute)
        if target.is_symlink() and os.readlink(target) == points_to:
            self.log.append(f"kept      {absolute} -> {points_to}")
            return
        self.log.append(f"linked    {absolute} -> {points_to}")
        if self.dry_run:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        target.symlink_to(points_to)

    def system(self, command: Sequence[str], run: Runner) -> None:
        """A command on the live system only; skipped (and said so) under --root or --dry-run."""
        text = " ".join(command)
        if self.dry_run or not self.live:
            self.log.append(f"skipped   {text} ({'--dry-run' if self.dry_run else '--root'})")
            return
        try:
            run(command)
            self.log.append(f"ran       {text}")
        except (OSError, subprocess.SubprocessError) as exc:
            self.log.append(f"FAILED    {text}: {_why(exc)}; a reboot applies the files all the same")


def _why(exc: BaseException) -> str:
    text = (getattr(exc, "stderr", None) or str(exc)).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


def render_unit(name: str, antre_bin: str, cage_bin: str = DEFAULT_CAGE) -> str:
    """A unit of deploy/systemd with the real paths of ``antre`` and ``cage`` in it."""
    text = (DEPLOY_DIR / "systemd" / name).read_text(encoding="utf-8")
    return text.replace(DEFAULT_BIN, antre_bin).replace(DEFAULT_CAGE, cage_bin)


def wanted_by(unit_text: str) -> list[str]:
    """The targets of ``WantedBy=`` in the unit's [Install] section."""
    targets: list[str] = []
    section = ""
    for line in unit_text.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Install]" and line.startswith("WantedBy="):
            targets += line.partition("=")[2].split()
    return targets


def default_antre_bin() -> str:
    """The ``antre`` beside this Python (the virtualenv's), else the documented path."""
    beside = Path(sys.executable).parent / "antre"
    return str(beside) if beside.exists() else DEFAULT_BIN


def ensure_user(inst: Installer, run: Runner) -> None:
    """Create the system user ``antre`` (home /var/lib/antre, no shell) and its device groups."""
    if inst.dry_run or not inst.live:
        inst.log.append(f"skipped   create user {USER} ({'--dry-run' if inst.dry_run else '--root'})")
        return
    try:
        pwd.getpwnam(USER)
        inst.log.append(f"kept      user {USER}")
    except KeyError:
        inst.system(
            ["useradd", "--system", "--user-group", "--home-dir", HOME, "--shell", "/usr/sbin/nologin", USER],
            run,
        )
    groups = [name for name in EXTRA_GROUPS if _group_exists(name)]
    if groups:
        inst.system(["usermod", "--append", "--groups", ",".join(groups), USER], run)


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def _own_config_dir(inst: Installer) -> None:
    # The services read /etc/antre as antre; nobody else needs to (antre.env holds a password).
    if inst.dry_run or not inst.live:
        return
    try:
        gid = grp.getgrnam(USER).gr_gid
    except KeyError:
        return
    for path, mode in ((CONFIG_PATH.parent, 0o750), (CONFIG_PATH, 0o640), (ENV_PATH, 0o640)):
        if path.exists():
            os.chown(path, 0, gid)
            path.chmod(mode)


# The console shares the broker's certificate and key rather than having its own: both services run
# as the antre user (the key is 0600 antre, in the 0750 data dir), the devices reach both by the
# same names, and one certificate is one renewal (`antre broker certs --renew`) and one expiry for
# `antre doctor` to watch. A second key would protect nothing from a process that can already read
# the first.
_CONSOLE_LOOPBACK = f'''listen = "127.0.0.1:{CONSOLE_PORT}"
# tls_cert = "{TLS_DIR}/server.crt"
# tls_key = "{TLS_DIR}/server.key"
'''
_CONSOLE_HTTPS = f'''listen = "0.0.0.0:{CONSOLE_PORT}"
tls_cert = "{TLS_DIR}/server.crt"
tls_key = "{TLS_DIR}/server.key"
'''


def site_template(console_https: bool) -> str:
    """deploy/etc/antre.toml; ``console_https``: its ``[console]`` open to the lobby over HTTPS
    with the hub's certificate (a hub whose certificates exist)."""
    text = (DEPLOY_DIR / "etc" / "antre.toml").read_text(encoding="utf-8")
    if not console_https:
        return text
    if _CONSOLE_LOOPBACK not in text:
        raise RuntimeError("deploy/etc/antre.toml has lost its [console] lines")
    return text.replace(_CONSOLE_LOOPBACK, _CONSOLE_HTTPS)


def console_advice(inst: Installer) -> None:
    """A kept antre.toml whose console is not on HTTPS: say what to add (the file is the
    technician's; it is not rewritten)."""
    import tomllib

    try:
        console = tomllib.loads(inst.path(CONFIG_PATH).read_text(encoding="utf-8")).get("console", {})
    except (OSError, ValueError):
        return
    if isinstance(console, dict) and console.get("tls_cert"):
        return
    lines = "; ".join(_CONSOLE_HTTPS.strip().splitlines())
    inst.log.append(
        f"EDIT      {CONFIG_PATH}: under [console] put  {lines}  then restart antre-hub, so the "
        "counters of other boxes sign in over HTTPS"
    )


def make_broker_certs(inst: Installer, names: Sequence[str]) -> None:
    """The lobby's CA (once) and the broker's certificate naming the hub box by ``names`` (the
    addresses and host names the other devices use in their ``mqtts://`` URL), in the data dir.
    The console serves the same certificate; ``localhost`` is named too, for the counters and
    browsers on the hub machine itself (https://localhost:8742)."""
    from broker.mosquitto.certs import CertFiles, make_certs

    tls = TLS_DIR
    files = CertFiles(inst.path(tls))
    listed = ", ".join(names)
    if files.server_cert.exists():
        renew = " ".join(f"--name {name}" for name in names)
        inst.log.append(f"kept      {tls}/server.crt (for new names: antre broker certs --renew {renew})")
        return
    inst.log.append(f"made      {tls}/ca.crt and server.crt for {listed}")
    if inst.dry_run:
        return
    data_dir = inst.path(HOME)
    if not data_dir.exists():
        data_dir.mkdir(parents=True, mode=0o750)
        if inst.live:  # the broker runs as antre and reads its key from here
            with contextlib.suppress(KeyError):
                os.chown(data_dir, pwd.getpwnam(USER).pw_uid, grp.getgrnam(USER).gr_gid)
    make_certs(files.directory, [*names, *(["localhost"] if "localhost" not in names else [])])
    inst.log.append(f"COPY      {tls}/ca.crt to every other device as {CA_PATH} (ANTRE_MQTT_CA)")


def make_site_key(inst: Installer) -> None:
    """The hub's site key (encrypts backups, seals the access log), made once and never replaced:
    a new key would leave every backup made with the old one unreadable."""
    from shared.store.keys import create_key

    target = inst.path(KEY_PATH)
    if target.exists():
        inst.log.append(f"kept      {KEY_PATH} (the site key)")
        return
    inst.log.append(
        f"wrote     {KEY_PATH} (the site key: copy it off this machine now, `sudo antre key --show`; "
        "without it no backup can be restored)"
    )
    if inst.dry_run:
        return
    create_key(target)  # 0600
    # The erasure ledger's copy beside the key (deploy/ops/erasure_replay.py): antre forget, run
    # as the antre user, appends to it, and cannot create files in /etc/antre itself.
    ledger = target.with_name("erasures.jsonl")
    ledger.touch(mode=0o600, exist_ok=True)
    if inst.live:
        # Without an antre user (useradd failed, said above) root keeps them until setup runs again.
        with contextlib.suppress(KeyError):
            for path in (target, ledger):
                os.chown(path, pwd.getpwnam(USER).pw_uid, grp.getgrnam(USER).gr_gid)


def setup(
    role: str,
    *,
    desk: str | None = None,
    root: Path = Path("/"),
    dry_run: bool = False,
    antre_bin: str | None = None,
    cage_bin: str | None = None,
    hub_names: Sequence[str] = (),
    run: Runner = run_command,
) -> list[str]:
    """Install ``role`` on the system at ``root``; returns what was done, one line per step.
    ``hub_names`` (hub role): the addresses and host names the broker's certificate holds."""
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r} (choose from {', '.join(ROLES)})")
    if hub_names and role != "hub":
        raise ConfigError("--hub-name names the hub box in its certificate: it goes with --role hub")
    if role in DESK_ROLES and not desk:
        raise ConfigError(f"--role {role} needs --desk (the desk id of this screen)")
    if desk is not None and not _DESK_ID.match(desk):
        raise ConfigError(f"--desk must be letters, digits, - or _, got {desk!r}")
    spec = ROLES[role]
    inst = Installer(root, dry_run)
    antre_bin = antre_bin or default_antre_bin()
    cage_bin = cage_bin or shutil.which("cage") or DEFAULT_CAGE

    ensure_user(inst, run)
    if hub_names:  # before the config: a hub with certificates gets its console on HTTPS
        make_broker_certs(inst, hub_names)
    console_https = role == "hub" and (bool(hub_names) or inst.path(f"{TLS_DIR}/server.crt").exists())
    for name, absolute in (("antre.toml", CONFIG_PATH), ("antre.env", ENV_PATH)):
        if name == "antre.toml":
            template = site_template(console_https)
        else:
            template = (DEPLOY_DIR / "etc" / name).read_text(encoding="utf-8")
        inst.write(f"{absolute}.example", template, 0o640)
        inst.write(absolute, template, 0o640, keep=True)
    if console_https and not inst.dry_run:
        console_advice(inst)
    if role == "hub":
        make_site_key(inst)
    _own_config_dir(inst)
    inst.write(
        "/etc/systemd/journald.conf.d/antre.conf", (DEPLOY_DIR / "journald" / "antre.conf").read_text("utf-8")
    )
    if spec.udev:
        rules = (DEPLOY_DIR / "udev" / "60-antre-printer.rules").read_text(encoding="utf-8")
        inst.write("/etc/udev/rules.d/60-antre-printer.rules", rules)
    if spec.mask_mosquitto:
        if any(
            inst.path(p).exists() for p in ("/lib/systemd/system/mosquitto.service", "/etc/init.d/mosquitto")
        ):
            inst.system(["systemctl", "disable", "--now", "mosquitto.service"], run)
        inst.link(f"/{UNIT_DIR}/mosquitto.service", "/dev/null")

    if spec.screen and not inst.path(cage_bin).exists():
        inst.log.append(f"MISSING   {cage_bin}: install it with  apt-get install -y cage xwayland")
    texts = {name: render_unit(name, antre_bin, cage_bin) for name in spec.units}
    for name, text in texts.items():
        inst.write(f"/{UNIT_DIR}/{name}", text)
    for enabled in spec.enable:
        instance = enabled.format(desk=desk or "")
        template = re.sub(r"@[^.]+\.", "@.", instance)  # antre-counter@2.service -> antre-counter@.service
        for target in wanted_by(texts[template]):
            inst.link(f"/{UNIT_DIR}/{target}.wants/{instance}", f"/{UNIT_DIR}/{template}")

    inst.system(["systemctl", "daemon-reload"], run)
    if spec.udev:
        inst.system(["udevadm", "control", "--reload-rules"], run)
        inst.system(["udevadm", "trigger", "--subsystem-match=usb"], run)
    inst.system(["systemctl", "restart", "systemd-journald.service"], run)
    return inst.log

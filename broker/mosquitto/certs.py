"""``antre broker certs``: a local certificate authority and the broker's server certificate.

The lobby has no internet and no public name, so a public CA cannot sign for the broker; a CA made
here, whose certificate is copied to every device, can. Made with Debian's ``openssl`` command
(always present), RSA 2048 because the cheapest TLS stacks (ESP32 firmwares) handle RSA best.
An existing CA is never replaced: every device already trusts it.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from broker.mosquitto.passwords import give_to_dir_owner

CA_DAYS = 3650
SERVER_DAYS = 825  # the longest server lifetime most TLS clients accept

_CA_EXT = """[req]
distinguished_name = dn
prompt = no
[dn]
CN = {name}
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""
_SERVER_EXT = """basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = {san}
"""


@dataclass(frozen=True)
class CertFiles:
    """The four files in ``directory``: ``ca.crt`` goes to every client; the keys stay here."""

    directory: Path

    @property
    def ca_cert(self) -> Path:
        return self.directory / "ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.directory / "ca.key"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server.crt"

    @property
    def server_key(self) -> Path:
        return self.directory / "server.key"


def _openssl(*args: str, cwd: Path) -> None:
    binary = shutil.which("openssl")
    if binary is None:
        raise RuntimeError("openssl is not installed. Install it with:  sudo apt-get install -y openssl")
    result = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.strip()}")


def _san(names: list[str]) -> str:
    entries = []
    for name in names:
        try:
            entries.append(f"IP:{ipaddress.ip_address(name)}")
        except ValueError:
            entries.append(f"DNS:{name}")
    return ", ".join(entries)


def make_certs(
    directory: Path, names: list[str], *, ca_name: str = "Antre local CA", renew_server: bool = False
) -> CertFiles:
    """A CA (if there is none yet) and a server certificate for ``names`` (host names or IP
    addresses the devices use in their ``mqtts://`` URL). An existing server certificate is kept
    unless ``renew_server``; keys are written with mode 0600."""
    if not names:
        raise ValueError("give at least one host name or IP address for the server certificate")
    files = CertFiles(directory)
    directory.mkdir(parents=True, exist_ok=True)
    give_to_dir_owner(directory, directory.parent)
    old_umask = os.umask(0o077)  # keys are born private, not chmod-ed afterwards
    try:
        with tempfile.TemporaryDirectory(dir=directory) as work_dir:
            work = Path(work_dir)
            if not files.ca_cert.exists():
                (work / "ca.cnf").write_text(_CA_EXT.format(name=ca_name), encoding="utf-8")
                _openssl("genrsa", "-out", str(files.ca_key), "2048", cwd=work)
                _openssl(
                    "req", "-x509", "-new", "-key", str(files.ca_key), "-sha256", "-days", str(CA_DAYS),
                    "-config", "ca.cnf", "-extensions", "v3_ca", "-out", str(files.ca_cert), cwd=work,
                )  # fmt: skip
            if renew_server or not files.server_cert.exists():
                (work / "server.ext").write_text(_SERVER_EXT.format(san=_san(names)), encoding="utf-8")
                _openssl("genrsa", "-out", "server.key", "2048", cwd=work)
                _openssl(
                    "req", "-new", "-key", "server.key", "-subj", f"/CN={names[0]}", "-out", "server.csr",
                    cwd=work,
                )  # fmt: skip
                _openssl(
                    "x509", "-req", "-in", "server.csr", "-CA", str(files.ca_cert), "-CAkey",
                    str(files.ca_key), "-CAcreateserial", "-CAserial", "ca.srl", "-sha256", "-days",
                    str(SERVER_DAYS), "-extfile", "server.ext", "-out", "server.crt", cwd=work,
                )  # fmt: skip
                # Both replaced together, so the broker never finds a key that fits no certificate.
                os.replace(work / "server.key", files.server_key)
                os.replace(work / "server.crt", files.server_cert)
    finally:
        os.umask(old_umask)
    for public in (files.ca_cert, files.server_cert):
        public.chmod(0o644)
    for made in (files.ca_cert, files.ca_key, files.server_cert, files.server_key):
        give_to_dir_owner(made, directory)
    return files

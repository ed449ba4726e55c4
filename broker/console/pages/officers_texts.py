"""The officers page's words."""

from __future__ import annotations

from shared.domain.secrets_policy import PASSPHRASE_MAX, PASSPHRASE_MIN, PIN_MAX, PIN_MIN
from shared.texts import Catalog

TEXTS = Catalog(
    {
        "id": {
            "title": "Petugas",
            "accounts": "Akun petugas",
            "count": "{count} akun",
            "id": "ID",
            "name": "Nama",
            "role": "Peran",
            "status": "Status",
            "source": "Diatur di",
            "where": "Sedang masuk",
            "actions": "Tindakan",
            "active": "Aktif",
            "disabled": "Nonaktif",
            "source_config": "berkas konfigurasi",
            "source_console": "konsol",
            "at_desk": "{desk}",
            "at_console": "Konsol",
            "since": "sejak {when}",
            "from": "dari {client}",
            "nobody": "-",
            "you": "(Anda)",
            "disable": "Nonaktifkan",
            "enable": "Aktifkan",
            "reset": "Atur ulang PIN/frasa sandi",
            "reset_save": "Simpan PIN/frasa sandi baru",
            "new_secret": "PIN/frasa sandi baru",
            "confirm_secret": "Ketik sekali lagi",
            "add_title": "Tambah akun",
            "add_save": "Tambah akun",
            "secret": "PIN atau frasa sandi",
            "policy": (
                f"Petugas: PIN {PIN_MIN}-{PIN_MAX} angka. Supervisor dan teknisi: frasa sandi "
                f"{PASSPHRASE_MIN}-{PASSPHRASE_MAX} karakter (sebuah kalimat pendek mudah diingat)."
            ),
            "rule": (
                "Supervisor mengelola semua akun. Teknisi mengelola akun petugas dan teknisi, tidak akun "
                "supervisor. Tidak ada yang dapat menonaktifkan akunnya sendiri."
            ),
            "no_manage": "dikelola supervisor",
            "fix_below": "Periksa isian di bawah.",
            "err_mismatch": "Kedua isian tidak sama. Ketik PIN/frasa sandi yang sama dua kali.",
            "err_role_forbidden": "Hanya supervisor yang dapat mengelola akun supervisor.",
            "err_self_disable": "Anda tidak dapat menonaktifkan akun Anda sendiri.",
            "done_added": "Akun {id} ditambahkan.",
            "done_disabled": "Akun {id} dinonaktifkan; {ended} sesi diakhiri.",
            "done_enabled": "Akun {id} diaktifkan kembali.",
            "done_reset": "PIN/frasa sandi {id} diatur ulang; {ended} sesi diakhiri.",
            "change_role": "Ubah peran",
            "new_role": "Peran baru",
            "role_secret": "PIN/frasa sandi untuk peran baru",
            "role_save": "Simpan peran baru",
            "role_hint": (
                "Peran baru memerlukan PIN (petugas) atau frasa sandi (supervisor, teknisi) yang baru; "
                "semua sesi akun ini diakhiri."
            ),
            "config_role": "peran diatur di berkas konfigurasi",
            "err_self_role": "Anda tidak dapat mengubah peran akun Anda sendiri.",
            "done_role": "Peran {id} diubah; {ended} sesi diakhiri.",
        },
        "en": {
            "title": "Officers",
            "accounts": "Staff accounts",
            "count": "{count} accounts",
            "id": "ID",
            "name": "Name",
            "role": "Role",
            "status": "Status",
            "source": "Kept in",
            "where": "Signed in now",
            "actions": "Actions",
            "active": "Active",
            "disabled": "Disabled",
            "source_config": "config file",
            "source_console": "console",
            "at_desk": "{desk}",
            "at_console": "Console",
            "since": "since {when}",
            "from": "from {client}",
            "nobody": "-",
            "you": "(you)",
            "disable": "Disable",
            "enable": "Enable",
            "reset": "Reset PIN/passphrase",
            "reset_save": "Save the new PIN/passphrase",
            "new_secret": "New PIN/passphrase",
            "confirm_secret": "Type it again",
            "add_title": "Add an account",
            "add_save": "Add account",
            "secret": "PIN or passphrase",
            "policy": (
                f"Officers: a PIN of {PIN_MIN}-{PIN_MAX} digits. Supervisors and technicians: a passphrase "
                f"of {PASSPHRASE_MIN}-{PASSPHRASE_MAX} characters (a short sentence is easy to remember)."
            ),
            "rule": (
                "Supervisors manage every account. Technicians manage officer and technician accounts, "
                "not supervisor accounts. Nobody can disable their own account."
            ),
            "no_manage": "kept by a supervisor",
            "fix_below": "Check the fields below.",
            "err_mismatch": "The two entries differ. Type the same PIN/passphrase twice.",
            "err_role_forbidden": "Only a supervisor can manage supervisor accounts.",
            "err_self_disable": "You cannot disable your own account.",
            "done_added": "Account {id} added.",
            "done_disabled": "Account {id} disabled; {ended} session(s) ended.",
            "done_enabled": "Account {id} enabled again.",
            "done_reset": "The PIN/passphrase of {id} was reset; {ended} session(s) ended.",
            "change_role": "Change role",
            "new_role": "New role",
            "role_secret": "PIN/passphrase for the new role",
            "role_save": "Save the new role",
            "role_hint": (
                "A new role needs a new PIN (officer) or passphrase (supervisor, technician); every "
                "session of this account ends."
            ),
            "config_role": "role kept in the config file",
            "err_self_role": "You cannot change the role of your own account.",
            "done_role": "The role of {id} was changed; {ended} session(s) ended.",
        },
    }
)

"""The setup page's words (Bahasa Indonesia first, English)."""

from __future__ import annotations

from shared.texts import Catalog

# A technician's commands for a desk added on the page (docs/console.md, docs/security.md): the
# same in both languages.
STEPS = """[[devices]]   # /etc/antre/antre.toml on the hub
id = "{device}"
role = "counter"
desk = "{desk}"

sudo systemctl restart antre-broker
sudo -u antre env ANTRE_CONFIG=/etc/antre/antre.toml ANTRE_DATA_DIR=/var/lib/antre \\
    /opt/antre/.venv/bin/antre broker url {device} --host <hub address>
# on the desk's device (ANTRE_MQTT_URL in /etc/antre/antre.env: the line printed above)
sudo /opt/antre/.venv/bin/antre setup --role counter --desk {desk}"""

SETUP = Catalog(
    {
        "id": {
            "title": "Pengaturan layanan",
            "intro": (
                "Perubahan di sini langsung berlaku di hub, layar antrean dan meja, tanpa teknisi dan "
                "tanpa memulai ulang. Berkas konfigurasi hanya dipakai sebagai isi awal saat pertama kali."
            ),
            "save": "Simpan",
            "add": "Tambah",
            "add_service_title": "Tambah layanan",
            "add_service_help": (
                "Layanan baru langsung berlaku: kios menampilkan tombolnya, layar antrean menampilkan "
                "barisnya, dan meja yang melayaninya dapat memanggil nomornya. Tanpa teknisi dan tanpa "
                "memulai ulang."
            ),
            "new_prefix": "Kode (1-3 huruf, menjadi awalan nomor antrean, mis. C untuk C-001)",
            "new_desks": "Dilayani di meja",
            "remove_title": "Hapus layanan",
            "remove_help": (
                "Layanan hanya dapat dihapus bila tidak ada pengunjung yang masih menunggu, dipanggil atau "
                "dilayani. Untuk menutupnya sementara, hilangkan centang \u201cAktif\u201d di atas."
            ),
            "remove_choose": "Layanan yang dihapus",
            "remove_button": "Hapus layanan",
            "add_desk_title": "Tambah meja",
            "add_desk_help": (
                "Meja baru langsung ada di hub: petugas dapat masuk di aplikasi meja mana pun dengan "
                "memilih meja ini, lalu memanggil. Keypad atau perangkat meja sendiri di meja itu memerlukan "
                "akun MQTT dari teknisi (langkahnya muncul setelah meja ditambahkan)."
            ),
            "new_desk_id": "Nomor meja (huruf atau angka, mis. 3)",
            "desk_device_title": "Meja {desk} sudah ada. Untuk teknisi: akun perangkat meja {desk}",
            "desk_device_help": (
                "Akun MQTT sebuah perangkat tidak dapat dibuat dari halaman ini. Teknisi menjalankan "
                "langkah berikut di hub dan di perangkat meja; sampai saat itu petugas melayani meja ini "
                "lewat aplikasi meja dengan masuk sebagai petugas."
            ),
            "done_add_service": "Layanan {value} ditambahkan dan sudah berlaku.",
            "done_remove_service": "Layanan {value} dihapus; kios tidak lagi menampilkannya.",
            "done_add_desk": "Meja {value} ditambahkan dan sudah berlaku.",
            "err_bad_prefix": "\u201c{value}\u201d bukan kode layanan; pakai 1-3 huruf, mis. C.",
            "err_prefix_taken": "Kode {value} sudah dipakai layanan lain.",
            "err_service_no_desk": "Pilih paling sedikit satu meja yang melayani layanan ini.",
            "err_unknown_service": "Layanan {value} tidak ada.",
            "err_desk_only_service": (
                "{desk} hanya melayani layanan {value}; beri meja itu layanan lain dulu sebelum menghapusnya."
            ),
            "err_bad_desk_id": "\u201c{value}\u201d bukan nomor meja; pakai huruf, angka, - atau _.",
            "err_desk_taken": "Meja {value} sudah ada.",
            "err_service_busy": (
                "Layanan {value} belum dapat dihapus: {count} pengunjung masih menunggu, dipanggil atau "
                "dilayani. Hilangkan centang \u201cAktif\u201d agar kios berhenti memberi nomor, lalu hapus "
                "setelah antreannya habis."
            ),
            "group_running_text": "Teks berjalan layar antrean",
            "group_opening_hours": "Jam layanan dan istirahat",
            "group_calendar": "Cuti bersama dan hari khusus",
            "group_services": "Layanan",
            "group_desks": "Meja dan layanan yang dilayani",
            "text_id": "Bahasa Indonesia",
            "text_en": "Bahasa Inggris (boleh kosong: layar berbahasa Inggris memakai teks Indonesia)",
            "hours_help": (
                "Tulis jam buka seperti 08:00-15:30; kosongkan atau tulis \u201ctutup\u201d bila tutup. "
                "Istirahat di dalam jam buka, seperti 12:00-13:00 (lebih dari satu: pisahkan dengan koma)."
            ),
            "day": "Hari",
            "hours": "Jam buka",
            "breaks": "Istirahat",
            "closed": "tutup",
            "mon": "Senin",
            "tue": "Selasa",
            "wed": "Rabu",
            "thu": "Kamis",
            "fri": "Jumat",
            "sat": "Sabtu",
            "sun": "Minggu",
            "collective_leave": (
                "Cuti bersama (satu hari per baris: tanggal lalu nama, mis. 2026-12-24 Cuti bersama Natal)"
            ),
            "special_days": (
                "Hari khusus (satu per baris: tanggal, jam atau \u201ctutup\u201d, lalu nama; mis. "
                "2026-12-31 08:00-12:00 Setengah hari)"
            ),
            "calendar_help": (
                "Hari libur nasional sudah diketahui sistem. Di hari cuti bersama layanan tutup: "
                "jam 10 menit tidak berjalan dan tenggat permintaan online tidak dihitung."
            ),
            "prefix": "Kode",
            "name_id": "Nama (Indonesia)",
            "name_en": "Nama (Inggris)",
            "active": "Aktif",
            "services_help": (
                "Layanan yang tidak aktif tidak menerima nomor antrean baru dari kios; pengunjung yang sudah "
                "menunggu tetap dipanggil."
            ),
            "desk": "Meja",
            "desk_name": "Nama meja",
            "desk_services": "Melayani",
            "desks_help": "Berlaku pada panggilan berikutnya dari meja itu.",
            "desk_device_steps": STEPS,
            "log": "Riwayat perubahan",
            "log_when": "Waktu",
            "log_who": "Oleh",
            "log_what": "Bagian",
            "log_change": "Perubahan",
            "log_empty": "Belum ada perubahan.",
            "log_seed": "isi awal dari berkas konfigurasi",
            "done": "Tersimpan dan sudah berlaku: {group}.",
            "unchanged": "Tidak ada yang berubah: {group}.",
            "fix_errors": "Periksa isian yang ditandai di bawah; belum ada yang disimpan.",
            "err_bad_time": "\u201c{value}\u201d bukan jam yang benar; tulis seperti 08:00.",
            "err_bad_range": (
                "\u201c{value}\u201d tidak terbaca; tulis jam mulai dan selesai seperti 08:00-15:30."
            ),
            "err_end_before_start": "Jam selesai harus setelah jam mulai ({value}).",
            "err_break_outside": "Istirahat {value} harus berada di dalam jam buka.",
            "err_break_when_closed": (
                "Hari tutup tidak punya istirahat; kosongkan istirahatnya atau isi jam buka."
            ),
            "err_bad_date": "Baris {line}: \u201c{value}\u201d bukan tanggal; tulis seperti 2026-12-24.",
            "err_bad_special_day": (
                "Baris {line}: tulis tanggal, lalu jam (08:00-12:00) atau \u201ctutup\u201d, lalu nama."
            ),
            "err_name_too_long": "Nama terlalu panjang (paling banyak {max} huruf).",
            "err_too_many_days": "Terlalu banyak hari (paling banyak {max}).",
            "err_text_too_long": "Teks terlalu panjang (paling banyak {max} huruf).",
            "err_name_missing": "Nama wajib diisi.",
            "err_no_active_service": "Paling sedikit satu layanan harus aktif.",
            "err_desk_no_service": "{desk} harus melayani paling sedikit satu layanan.",
            "err_invalid": "Pengaturan ini tidak dapat dipakai hub; belum ada yang disimpan. ({detail})",
            "err_unavailable": "Pengaturan belum dapat diubah: hub belum siap. Coba lagi sebentar lagi.",
        },
        "en": {
            "title": "Service setup",
            "intro": (
                "Changes here apply at once on the hub, the lobby display and the desks, without a "
                "technician and without a restart. The config file is only the first-boot seed."
            ),
            "save": "Save",
            "add": "Add",
            "add_service_title": "Add a service",
            "add_service_help": (
                "A new service applies at once: the kiosks show its button, the lobby display its row, and "
                "the desks that serve it can call its tickets. No technician, no restart."
            ),
            "new_prefix": "Code (1-3 letters, the prefix of its tickets, e.g. C for C-001)",
            "new_desks": "Served at desks",
            "remove_title": "Remove a service",
            "remove_help": (
                "A service can be removed only when none of its visitors is still waiting, called or being "
                "served. To close it for a while, untick \u201cActive\u201d above."
            ),
            "remove_choose": "Service to remove",
            "remove_button": "Remove the service",
            "add_desk_title": "Add a desk",
            "add_desk_help": (
                "A new desk exists in the hub at once: an officer signs in on any counter app choosing "
                "this desk, then calls. A keypad or a counter device of its own at that desk needs an MQTT "
                "account from a technician (the steps show once the desk is added)."
            ),
            "new_desk_id": "Desk number (letters or digits, e.g. 3)",
            "desk_device_title": "Desk {desk} exists. For the technician: desk {desk}'s device account",
            "desk_device_help": (
                "A device's MQTT account cannot be made from this page. A technician runs these steps on the "
                "hub and on the desk's device; until then an officer serves this desk on a counter app by "
                "signing in."
            ),
            "done_add_service": "Service {value} added and in effect.",
            "done_remove_service": "Service {value} removed; the kiosks no longer show it.",
            "done_add_desk": "Desk {value} added and in effect.",
            "err_bad_prefix": "\u201c{value}\u201d is not a service code; use 1-3 letters, e.g. C.",
            "err_prefix_taken": "Code {value} is taken by another service.",
            "err_service_no_desk": "Choose at least one desk that serves this service.",
            "err_unknown_service": "There is no service {value}.",
            "err_desk_only_service": (
                "{desk} serves only service {value}; give that desk another service before removing it."
            ),
            "err_bad_desk_id": "\u201c{value}\u201d is not a desk number; use letters, digits, - or _.",
            "err_desk_taken": "Desk {value} exists already.",
            "err_service_busy": (
                "Service {value} cannot be removed yet: {count} visitor(s) are still waiting, called or "
                "being served. Untick \u201cActive\u201d so the kiosks stop issuing its tickets, and remove "
                "it once its queue is empty."
            ),
            "group_running_text": "Lobby display running text",
            "group_opening_hours": "Opening hours and breaks",
            "group_calendar": "Collective leave and special days",
            "group_services": "Services",
            "group_desks": "Desks and the services they serve",
            "text_id": "Indonesian",
            "text_en": "English (may be empty: an English display then shows the Indonesian text)",
            "hours_help": (
                "Write the opening hours like 08:00-15:30; leave empty or write \u201cclosed\u201d when "
                "closed. Breaks inside the hours, like 12:00-13:00 (several: separate with commas)."
            ),
            "day": "Day",
            "hours": "Open",
            "breaks": "Breaks",
            "closed": "closed",
            "mon": "Monday",
            "tue": "Tuesday",
            "wed": "Wednesday",
            "thu": "Thursday",
            "fri": "Friday",
            "sat": "Saturday",
            "sun": "Sunday",
            "collective_leave": (
                "Collective leave (one day a line: the date, then a name, e.g. 2026-12-24 Christmas leave)"
            ),
            "special_days": (
                "Special days (one a line: the date, the hours or \u201cclosed\u201d, then a name; e.g. "
                "2026-12-31 08:00-12:00 Half day)"
            ),
            "calendar_help": (
                "National holidays are known already. On a collective-leave day the office is closed: the "
                "10-minute clocks stop and online requests' due dates skip it."
            ),
            "prefix": "Code",
            "name_id": "Name (Indonesian)",
            "name_en": "Name (English)",
            "active": "Active",
            "services_help": (
                "An inactive service takes no new tickets from the kiosks; the visitors already waiting are "
                "still called."
            ),
            "desk": "Desk",
            "desk_name": "Desk name",
            "desk_services": "Serves",
            "desks_help": "Applies from that desk's next call.",
            "desk_device_steps": STEPS,
            "log": "Change log",
            "log_when": "When",
            "log_who": "By",
            "log_what": "Part",
            "log_change": "Change",
            "log_empty": "No changes yet.",
            "log_seed": "first-boot seed from the config file",
            "done": "Saved and in effect: {group}.",
            "unchanged": "Nothing changed: {group}.",
            "fix_errors": "Check the marked fields below; nothing was saved.",
            "err_bad_time": "\u201c{value}\u201d is not a time of day; write it like 08:00.",
            "err_bad_range": "\u201c{value}\u201d cannot be read; write a start and an end like 08:00-15:30.",
            "err_end_before_start": "The end must be after the start ({value}).",
            "err_break_outside": "The break {value} must be inside the opening hours.",
            "err_break_when_closed": "A closed day has no breaks; clear the breaks or give opening hours.",
            "err_bad_date": "Line {line}: \u201c{value}\u201d is not a date; write it like 2026-12-24.",
            "err_bad_special_day": (
                "Line {line}: write the date, then the hours (08:00-12:00) or "
                "\u201cclosed\u201d, then a name."
            ),
            "err_name_too_long": "The name is too long (at most {max} characters).",
            "err_too_many_days": "Too many days (at most {max}).",
            "err_text_too_long": "The text is too long (at most {max} characters).",
            "err_name_missing": "A name is required.",
            "err_no_active_service": "At least one service must be active.",
            "err_desk_no_service": "{desk} must serve at least one service.",
            "err_invalid": "The hub cannot use this setup; nothing was saved. ({detail})",
            "err_unavailable": (
                "The setup cannot be changed yet: the hub is not ready. Try again in a moment."
            ),
        },
    }
)

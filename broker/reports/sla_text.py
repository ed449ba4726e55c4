"""``antre sla`` as the office reads it: the day's table in Indonesian (default) or English."""

from __future__ import annotations

from broker.reports.sla import SlaDay
from shared.domain.calendar_words import long_date
from shared.texts import Catalog

TEXTS = Catalog(
    {
        "id": {
            "title": "Standar pelayanan, {day} ({zone})",
            "hours": "Jam layanan: {hours}",
            "closed": "tutup",
            "walk_in": "Layanan langsung",
            "tickets": "tiket diambil",
            "passes": "giliran antrean (transfer +1)",
            "called": "dipanggil",
            "median": "median",
            "max": "maks",
            "raw_wait": "tunggu (sampai dipanggil)",
            "clock": "jam standar saat dipanggil",
            "idle_desk": "tunggu saat meja kosong",
            "idle_desk_passes": "menunggu saat meja kosong",
            "met": "memenuhi standar {limit} menit",
            "of": "dari",
            "breached": "melewati standar",
            "not_called": "tidak dipanggil (bukan lewat)",
            "noshows": "tidak hadir",
            "transfers": "dialihkan",
            "breaches": "Lewat standar",
            "service": "layanan",
            "desk": "meja",
            "minutes": "menit",
            "never_called": "tidak pernah dipanggil",
            "online": "Permintaan daring jatuh tempo hari ini",
            "due": "jatuh tempo",
            "online_met": "tepat waktu (dijawab/ditutup)",
            "late": "terlambat",
            "pending": "belum dijawab, masih dalam waktu",
        },
        "en": {
            "title": "Service standard, {day} ({zone})",
            "hours": "Opening hours: {hours}",
            "closed": "closed",
            "walk_in": "Walk-in",
            "tickets": "tickets issued",
            "passes": "queue passes (a transfer adds one)",
            "called": "called",
            "median": "median",
            "max": "max",
            "raw_wait": "raw wait (to the call)",
            "clock": "standard's clock at the call",
            "idle_desk": "wait while a desk was idle",
            "idle_desk_passes": "waited while a desk was idle",
            "met": "met the {limit}-minute standard",
            "of": "of",
            "breached": "breached",
            "not_called": "never called (no breach)",
            "noshows": "no-shows",
            "transfers": "transfers",
            "breaches": "Breaches",
            "service": "service",
            "desk": "desk",
            "minutes": "minutes",
            "never_called": "never called",
            "online": "Online requests due this day",
            "due": "due",
            "online_met": "met (answered or closed in time)",
            "late": "late",
            "pending": "not answered yet, still in time",
        },
    }
)


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def render_text(report: SlaDay, office: str = "", language: str = "id") -> str:
    """The day as a fixed-width table (codes and numbers only: no visitor's personal data)."""

    def t(key: str, **values: object) -> str:
        return TEXTS.t(language, key, **values)

    def row(label: str, value: object, rest: str = "") -> str:
        return f"  {label:<34}{value:>6}" + (f"   {rest}" if rest else "")

    decided = report.met + report.breached
    share = f" ({100 * report.met / decided:.1f}%)" if decided else ""
    by_service = ", ".join(f"{s} {n}" for s, n in report.tickets_by_service.items())
    day = long_date(report.day, "en" if language == "en" else "id")
    lines = [
        t("title", day=day, zone=report.timezone) + (f"  {office}" if office else ""),
        t("hours", hours=t("closed") if report.opening_hours == "closed" else report.opening_hours),
        "",
        t("walk_in"),
        row(t("tickets"), report.tickets, f"({by_service})" if by_service else ""),
        row(t("passes"), report.passes),
        row(t("called"), report.called),
        row(t("idle_desk_passes"), report.idle_desk_passes),
        f"  {'':<34}{t('median'):>8}{'p90':>8}{t('max'):>8}",
    ]
    waits = (("raw_wait", report.raw_wait), ("clock", report.clock_at_call), ("idle_desk", report.idle_desk))
    for key, stats in waits:
        lines.append(f"  {t(key):<34}{_mmss(stats.median):>8}{_mmss(stats.p90):>8}{_mmss(stats.max):>8}")
    lines += [
        f"  {t('met', limit=f'{report.breach_s / 60:g}'):<34}{report.met:>6}   {t('of')} {decided}{share}",
        row(t("breached"), report.breached),
        row(t("not_called"), report.not_called),
        row(t("noshows"), report.noshows),
        row(t("transfers"), report.transfers),
    ]
    if report.breaches:
        lines += ["", f"  {t('breaches'):<14}{t('service'):<9}{t('desk'):<7}{t('minutes'):>8}"]
        for b in report.breaches:
            note = "" if b.called else f"  {t('never_called')}"
            lines.append(f"    {b.ticket:<12}{b.service:<9}{b.desk or '-':<7}{b.minutes:>8.1f}{note}")
    online = report.online
    lines += [
        "",
        t("online"),
        row(t("due"), online.due),
        row(t("online_met"), online.met),
        row(t("late"), online.late, ", ".join(online.late_numbers) if online.late else ""),
        row(t("pending"), online.pending, ", ".join(online.pending_numbers) if online.pending else ""),
    ]
    return "\n".join(lines) + "\n"

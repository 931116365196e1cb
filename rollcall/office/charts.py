"""The office's charts: figures from the database, drawn as plain server-side SVG."""

from collections import defaultdict
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy import func

from rollcall.checks.models import ARRIVED, BagStatus, Check, CheckEntry, CheckKind
from rollcall.checks.summary import ABSENT_CODES
from rollcall.extensions import db
from rollcall.models import Homeroom, School

PRESENT_CODES = tuple(sorted(str(status) for status in ARRIVED))
PALETTE = ("#1d5c4d", "#b3261e", "#8a5a00", "#0b57d0", "#6f42c1", "#4f5a63", "#1a7f37")


def attendance_rate_by_class(school: School, today: date, days: int = 30) -> list:
    """(class name, percent present or late) over the school's last `days` attendance days."""
    recent = list(db.session.scalars(
        db.select(Check.school_date).distinct()
        .where(Check.school_id == school.id, Check.kind == CheckKind.ATTENDANCE,
               Check.school_date <= today)
        .order_by(Check.school_date.desc()).limit(days)))
    if not recent:
        return []
    present = func.sum(db.case((CheckEntry.status.in_(PRESENT_CODES), 1), else_=0))
    rows = db.session.execute(
        db.select(Homeroom.name, present, func.count())
        .join(Check, Check.homeroom_id == Homeroom.id)
        .join(CheckEntry, CheckEntry.check_id == Check.id)
        .where(Check.school_id == school.id, Check.kind == CheckKind.ATTENDANCE,
               Check.school_date.between(min(recent), max(recent)))
        .group_by(Homeroom.name).order_by(Homeroom.name)).all()
    return [(name, round(100 * int(here) / total, 1)) for name, here, total in rows if total]


def absences_by_weekday(school: School, since: date, today: date) -> list:
    """(weekday number, absences) between since and today: Monday to Friday, and Saturday or
    Sunday when a make-up school day (调休) had absences."""
    rows = db.session.execute(
        db.select(Check.school_date, func.count())
        .join(CheckEntry, CheckEntry.check_id == Check.id)
        .where(Check.school_id == school.id, Check.kind == CheckKind.ATTENDANCE,
               CheckEntry.status.in_(ABSENT_CODES), Check.school_date.between(since, today))
        .group_by(Check.school_date)).all()
    totals = defaultdict(int)
    for day, count in rows:
        totals[day.weekday()] += count
    return [(weekday, totals[weekday]) for weekday in range(7)
            if weekday < 5 or totals[weekday]]


def findings_per_week(school: School, today: date, weeks: int = 12) -> tuple[list, list, dict]:
    """(week Mondays, categories seen, {(monday, category): count}) for the last weeks."""
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    rows = db.session.execute(
        db.select(Check.school_date, CheckEntry.category, func.count())
        .join(CheckEntry, CheckEntry.check_id == Check.id)
        .where(Check.school_id == school.id, Check.kind == CheckKind.BAG,
               CheckEntry.status == BagStatus.FOUND, Check.school_date.between(first, today))
        .group_by(Check.school_date, CheckEntry.category)).all()
    counts: dict = defaultdict(int)
    for day, category, count in rows:
        counts[(day - timedelta(days=day.weekday()), category or "prohibited")] += count
    categories = sorted({category for _monday, category in counts})
    return mondays, categories, dict(counts)


def _svg_open(title: str, width: int, height: int) -> Markup:
    return Markup('<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
                  'xmlns="http://www.w3.org/2000/svg">').format(width, height, title)


def bar_chart(title: str, bars: list, maximum: float, suffix: str = "") -> Markup:
    """A horizontal bar chart: one labelled bar per (label, value)."""
    row, label_width, width = 28, 110, 520
    parts = [_svg_open(title, width, row * len(bars) + 10)]
    scale = (width - label_width - 60) / (maximum or 1)
    for index, (label, value) in enumerate(bars):
        y, length = 5 + index * row, round(value * scale, 1)
        parts.append(Markup(
            '<text x="{}" y="{}" text-anchor="end">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
            '<text x="{}" y="{}">{}{}</text>').format(
            label_width - 6, y + 18, label, label_width, y + 4, length, row - 8, PALETTE[0],
            round(label_width + length + 4, 1), y + 18, value, suffix))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def stacked_chart(title: str, columns: list, series: list, counts: dict) -> Markup:
    """Vertical stacked bars: columns (key, label), series (code, label), counts by (key, code)."""
    width, height, base, left = 560, 240, 190, 30
    step = (width - left) / max(len(columns), 1)
    tallest = max([sum(counts.get((c, code), 0) for code, _ in series) for c, _ in columns] + [1])
    scale = (base - 20) / tallest
    parts = [_svg_open(title, width, height), Markup(
        '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#8c959f"/>'
        '<text x="{3}" y="{4}" text-anchor="end">{5}</text>').format(
        left, base, width, left - 4, round(base - tallest * scale + 4, 1), tallest)]
    for index, (key, label) in enumerate(columns):
        x, top = round(left + index * step + 4, 1), base
        for colour, (code, _name) in zip(PALETTE, series, strict=False):
            value = counts.get((key, code), 0)
            if value:
                top -= value * scale
                parts.append(Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>')
                             .format(x, round(top, 1), round(step - 8, 1),
                                     round(value * scale, 1), colour))
        parts.append(Markup('<text x="{}" y="{}" text-anchor="middle" class="small">{}</text>')
                     .format(round(x + (step - 8) / 2, 1), base + 16, label))
    for index, (colour, (_code, name)) in enumerate(zip(PALETTE, series, strict=False)):
        x, y = left + (index % 4) * 130, base + 30 + (index // 4) * 16
        parts.append(Markup('<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                            '<text x="{}" y="{}" class="small">{}</text>')
                     .format(x, y - 10, colour, x + 14, y, name))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)

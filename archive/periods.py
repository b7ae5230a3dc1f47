"""Calendar periods for the actor x period stance tables."""

from __future__ import annotations

from datetime import date

PERIODS = ("day", "week", "month", "quarter", "year")


def period_of(day: date, period: str) -> str:
    """The label of the period a day falls in: 2024-05-31, 2024-W22, 2024-05, 2024-Q2, 2024."""
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)

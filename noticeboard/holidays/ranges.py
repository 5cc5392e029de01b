"""Dates shown back as the administrator typed them: runs of days as one line each."""

from datetime import date, timedelta


def as_lines(isodates: list[str]) -> str:
    """["2027-02-06", "2027-02-07", "2027-02-08"] → "2027-02-06 至 2027-02-08"."""
    days = sorted(date.fromisoformat(d) for d in isodates)
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return "\n".join(
        f"{run[0]:%Y-%m-%d}" + (f" 至 {run[-1]:%Y-%m-%d}" if len(run) > 1 else "") for run in runs
    )

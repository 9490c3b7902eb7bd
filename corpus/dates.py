"""Normalise the dates found in corpora to ISO: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
from __future__ import annotations

import datetime as _dt
import re

_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?(?:[T ].*)?$"),
    re.compile(r"^(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?$"),
    re.compile(r"^(?P<y>\d{4})$"),
)


def normalize_date(value: object) -> str:
    """ISO date of ``value`` at the precision given; ``ValueError`` when it is not a date.

    >>> normalize_date("20230101"), normalize_date("2023-1-5T08:00"), normalize_date("2023年5月")
    ('2023-01-01', '2023-01-05', '2023-05')
    >>> normalize_date(2023)
    '2023'
    """
    s = str(value).strip()
    for pat in _PATTERNS:
        m = pat.match(s)
        if not m:
            continue
        y, mo, d = m.group("y"), m.groupdict().get("m"), m.groupdict().get("d")
        if d:
            return _dt.date(int(y), int(mo), int(d)).isoformat()  # validates the day
        if mo:
            if not 1 <= int(mo) <= 12:
                raise ValueError(f"month out of range in date {s!r}")
            return f"{y}-{int(mo):02d}"
        return y
    raise ValueError(f"not a date: {s!r} (expected YYYYMMDD, YYYY-MM-DD, YYYY-MM or YYYY)")

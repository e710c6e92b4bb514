"""Writes of the monitoring app: data-quality findings (§8.2) and return-to-poverty alerts (§7)."""

from __future__ import annotations

import datetime


def quality_run_county(*, as_of: datetime.date, county_id: int, run_id: int | None = None) -> int:
    """Compute the data-quality findings DQ01–DQ13 (§8.2) of one county; return their number."""
    return 0


def monitoring_run_county(*, as_of: datetime.date, county_id: int, run_id: int | None = None) -> int:
    """Evaluate the monitoring triggers (§7) of one county; return the number of alerts opened or kept."""
    return 0

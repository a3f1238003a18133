"""Feature freshness: the online feature table must have been refreshed recently."""


def stale(updated_at_hours, now_hours, max_age_hours):
    """True when the table is older than the limit (times in hours of the serving clock)."""
    return now_hours - updated_at_hours > max_age_hours

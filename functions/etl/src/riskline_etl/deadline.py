"""When to stop retrying: a clock value shortly before the invocation times out."""


def deadline_from(context: object, clock_now: float, margin_s: float = 0.25) -> float | None:
    """A clock value shortly before the invocation times out, so a typed answer still gets out."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    return clock_now + remaining() / 1000 - margin_s

"""The scheduled job: once a day, a digest of the day before (UTC): how many messages, and how many per author.

EventBridge Scheduler invokes it with {"scheduledTime": "<aws.scheduler.scheduled-time>"}, so a retry digests the same
day; the digest is one item (partition "DIGEST", sort key the day) written with a plain put, so a second run writes
the same item again.
"""
import logging
import os
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Iterable, Optional, Tuple

from probe import probe_answer, probe_token
from store import shared_store

logger = logging.getLogger("digest")
logger.setLevel(logging.INFO)


def day_to_digest(event: Any, now: Optional[datetime] = None) -> date:
    """The day before the scheduled time (or before now, when the event names none)."""
    when = now or datetime.now(timezone.utc)
    scheduled = event.get("scheduledTime") if isinstance(event, dict) else None
    if isinstance(scheduled, str) and scheduled:
        when = datetime.fromisoformat(scheduled.replace("Z", "+00:00"))
    return (when.astimezone(timezone.utc) - timedelta(days=1)).date()


def id_floor(millis: int) -> str:
    """The smallest message id of a millisecond: ids begin with their time, so ids of a day lie between two floors."""
    text = f"{millis:012x}" + "0" * 20
    return f"{text[0:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def id_range(day: date) -> Tuple[str, str]:
    """The ids of a UTC day: from the first millisecond's floor to just before the next day's."""
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    start_ms = int(start.timestamp() * 1000)
    end_ms = start_ms + 24 * 3600 * 1000
    return id_floor(start_ms), id_floor(end_ms)


def digest_of(day: date, authors: Iterable[str]) -> Dict[str, Any]:
    counts: Dict[str, int] = {}
    for author in authors:
        counts[author] = counts.get(author, 0) + 1
    return {"day": day.isoformat(), "messages": sum(counts.values()), "authors": dict(sorted(counts.items()))}


def handler(event: Dict[str, Any], context: Any = None) -> Dict[str, Any]:
    token = probe_token(event)
    if token is not None:
        return probe_answer(token, "digest")
    store = shared_store(os.environ["TABLE_NAME"])
    day = day_to_digest(event)
    first, after_last = id_range(day)
    digest = digest_of(day, store.authors_between(first, after_last))
    store.put_digest(digest)
    logger.info("digest of %s: %d messages by %d authors", digest["day"], digest["messages"], len(digest["authors"]))
    return digest

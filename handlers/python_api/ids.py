"""Time-ordered message ids (UUID version 7), as handlers/api/message-ids.ts makes them."""
import os
import threading
import time
from datetime import datetime, timezone

_lock = threading.Lock()
_last_millis = -1
_sequence = 0


def new_message_id(now_millis: int = -1) -> str:
    """48 bits of Unix milliseconds, a 12-bit counter that keeps ids increasing within a millisecond, random bits."""
    global _last_millis, _sequence
    now = now_millis if now_millis >= 0 else time.time_ns() // 1_000_000
    with _lock:
        if now > _last_millis:
            _last_millis = now
            _sequence = int.from_bytes(os.urandom(2), "big") & 0x3FF
        else:
            _sequence += 1
            if _sequence > 0xFFF:
                _last_millis += 1
                _sequence = 0
        millis, sequence = _last_millis, _sequence
    raw = bytearray(os.urandom(16))
    raw[0:6] = millis.to_bytes(6, "big")
    raw[6] = 0x70 | ((sequence >> 8) & 0x0F)
    raw[7] = sequence & 0xFF
    raw[8] = 0x80 | (raw[8] & 0x3F)
    text = raw.hex()
    return f"{text[0:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def created_millis_of(message_id: str) -> int:
    """The creation time an id carries, in Unix milliseconds."""
    return int(message_id.replace("-", "")[:12], 16)


def created_at_of(message_id: str) -> str:
    """The creation time an id carries: ISO 8601 UTC with milliseconds, like JavaScript's toISOString()."""
    millis = created_millis_of(message_id)
    moment = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"

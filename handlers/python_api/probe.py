"""The rollout's probe: an event the worker and the scheduled job recognise and answer without side effects.

The deploy invokes a new version with {"probe": "<token>"} before any trigger points at it: the version answers
only if its code and layers import and start, and it writes nothing.
"""
import os
from typing import Any, Dict, Optional


def probe_token(event: Any) -> Optional[str]:
    """The probe's token when the event is a probe, else None."""
    if isinstance(event, dict) and set(event) == {"probe"} and isinstance(event["probe"], str):
        return event["probe"]
    return None


def probe_answer(token: str, function: str) -> Dict[str, str]:
    return {"probe": token, "function": function, "version": os.environ.get("APP_VERSION", "unknown")}

"""The worker: fed by the queue the API sends every created message to, it files each message under its author.

One item per author and message (partition "AUTHOR#<author>", sort key the message id), written with a plain put:
a message delivered twice is filed once, so an author's count (a Query with Select COUNT) stays right whatever SQS
redelivers. Answers with a partial batch response: only the records that failed go back to the queue, and after
the queue's maxReceiveCount to its dead-letter queue (a record that is not a message goes there too, for a person).
"""
import json
import logging
import os
from typing import Any, Dict, List, Optional

from probe import probe_answer, probe_token
from store import StoreUnavailable, shared_store

logger = logging.getLogger("worker")
logger.setLevel(logging.INFO)


def message_of(body: Any) -> Optional[Dict[str, str]]:
    """The message a record's body carries, as the API sent it; None when it is not one."""
    try:
        message = json.loads(body)
    except (TypeError, ValueError):
        return None
    if not isinstance(message, dict):
        return None
    fields = ("id", "author")
    if not all(isinstance(message.get(name), str) and message[name] for name in fields):
        return None
    return {name: message[name] for name in fields}


def handler(event: Dict[str, Any], context: Any = None) -> Dict[str, Any]:
    token = probe_token(event)
    if token is not None:
        return probe_answer(token, "worker")
    store = shared_store(os.environ["TABLE_NAME"])
    failures: List[Dict[str, str]] = []
    for record in event.get("Records", []):
        message = message_of(record.get("body"))
        if message is None:
            logger.error("record %s is not a message; it goes back, and to the dead-letter queue", record.get("messageId"))
            failures.append({"itemIdentifier": record.get("messageId", "")})
            continue
        try:
            store.file_under_author(message["author"], message["id"])
        except StoreUnavailable:
            logger.exception("could not file message %s", message["id"])
            failures.append({"itemIdentifier": record.get("messageId", "")})
    return {"batchItemFailures": failures}

"""Messages in DynamoDB, with the table layout of handlers/api/messages-table.ts, and the worker's queue.

boto3 comes with Lambda's Python runtime; it honours AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_SQS.
"""
import json
import logging
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

PARTITION_KEY = "pk"
SORT_KEY = "sk"
PARTITION = "MESSAGE"
# DynamoDB's TTL attribute: epoch seconds after which the message expires (absent: kept).
EXPIRES_AT = "expires_at"
# The worker files each message under its author: partition AUTHOR#<author>, sort key the message id.
AUTHOR_PREFIX = "AUTHOR#"
# The scheduled job's digests: partition DIGEST, sort key the day (YYYY-MM-DD).
DIGEST_PARTITION = "DIGEST"


class StoreUnavailable(Exception):
    """The table could not be read or written; the API answers 503 without internals."""


class MessagesStore:
    def __init__(self, table_name: str, client: Optional[Any] = None) -> None:
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client("dynamodb", config=Config(retries={"max_attempts": 2}, connect_timeout=1, read_timeout=5))
        self._client = client
        self._table = table_name

    def list(self, limit: int, after: Optional[str] = None) -> Tuple[List[Dict[str, str]], Optional[str]]:
        """Newest first, at most `limit`, older than message `after`; and the id to continue after, when more follow."""
        messages: List[Dict[str, str]] = []
        # One more than a page tells whether another page follows, without an empty last page.
        wanted = limit + 1
        start_key: Optional[Dict[str, Any]] = {PARTITION_KEY: {"S": PARTITION}, SORT_KEY: {"S": after}} if after else None
        try:
            while len(messages) < wanted:
                request: Dict[str, Any] = {
                    "TableName": self._table,
                    "KeyConditionExpression": "#pk = :pk",
                    # TTL deletes within days of expiry, not at once: an expired message is left out until it is gone.
                    "FilterExpression": "attribute_not_exists(#expires) OR #expires > :now",
                    "ExpressionAttributeNames": {"#pk": PARTITION_KEY, "#expires": EXPIRES_AT},
                    "ExpressionAttributeValues": {":pk": {"S": PARTITION}, ":now": {"N": str(int(time.time()))}},
                    "ScanIndexForward": False,
                    "Limit": wanted - len(messages),
                }
                if start_key:
                    request["ExclusiveStartKey"] = start_key
                page = self._client.query(**request)
                for item in page.get("Items", []):
                    messages.append({name: item.get(name, {}).get("S", "") for name in ("id", "content", "author", "created_at")})
                start_key = page.get("LastEvaluatedKey")
                if not start_key:
                    break
        except Exception as error:  # any client or network failure
            raise StoreUnavailable() from error
        page = messages[:limit]
        return page, (page[-1]["id"] if len(messages) > limit else None)

    def create(self, message: Dict[str, str], expires_at: Optional[int] = None) -> None:
        item: Dict[str, Any] = {PARTITION_KEY: {"S": PARTITION}, SORT_KEY: {"S": message["id"]}}
        item.update({name: {"S": message[name]} for name in ("id", "content", "author", "created_at")})
        if expires_at is not None:
            item[EXPIRES_AT] = {"N": str(expires_at)}
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(#sk)",
                ExpressionAttributeNames={"#sk": SORT_KEY},
            )
        except Exception as error:
            raise StoreUnavailable() from error

    def file_under_author(self, author: str, message_id: str) -> None:
        """Files a message under its author: one item per pair, so filing it again changes nothing."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item={PARTITION_KEY: {"S": AUTHOR_PREFIX + author}, SORT_KEY: {"S": message_id}},
            )
        except Exception as error:
            raise StoreUnavailable() from error

    def _pages(self, request: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
        """Every page of a query, following LastEvaluatedKey."""
        start_key: Optional[Dict[str, Any]] = None
        while True:
            page = self._client.query(**request, **({"ExclusiveStartKey": start_key} if start_key else {}))
            yield page
            start_key = page.get("LastEvaluatedKey")
            if not start_key:
                return

    def messages_by(self, author: str) -> int:
        """How many messages are filed under an author."""
        request = {
            "TableName": self._table,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": PARTITION_KEY},
            "ExpressionAttributeValues": {":pk": {"S": AUTHOR_PREFIX + author}},
            "Select": "COUNT",
        }
        try:
            return sum(page.get("Count", 0) for page in self._pages(request))
        except Exception as error:
            raise StoreUnavailable() from error

    def authors_between(self, first: str, after_last: str) -> List[str]:
        """The author of every message whose id is from `first` up to (not including) `after_last`."""
        request = {
            "TableName": self._table,
            "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :first AND :last",
            "ExpressionAttributeNames": {"#pk": PARTITION_KEY, "#sk": SORT_KEY, "#author": "author"},
            "ExpressionAttributeValues": {":pk": {"S": PARTITION}, ":first": {"S": first}, ":last": {"S": after_last}},
            "ProjectionExpression": "#sk, #author",
        }
        try:
            return [
                item.get("author", {}).get("S", "")
                for page in self._pages(request)
                for item in page.get("Items", [])
                if item.get(SORT_KEY, {}).get("S") != after_last
            ]
        except Exception as error:
            raise StoreUnavailable() from error

    def put_digest(self, digest: Dict[str, Any]) -> None:
        """The day's digest, one item per day: written again, it is the same item."""
        authors = {name: {"N": str(count)} for name, count in digest["authors"].items()}
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    PARTITION_KEY: {"S": DIGEST_PARTITION},
                    SORT_KEY: {"S": digest["day"]},
                    "messages": {"N": str(digest["messages"])},
                    "authors": {"M": authors},
                },
            )
        except Exception as error:
            raise StoreUnavailable() from error


class WorkerQueue:
    """The queue the API sends every created message to, for the worker."""

    def __init__(self, url: str, client: Optional[Any] = None) -> None:
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client("sqs", config=Config(retries={"max_attempts": 2}, connect_timeout=1, read_timeout=5))
        self._client = client
        self._url = url

    def send(self, message: Dict[str, str]) -> bool:
        """Sends the message; False (logged) when the queue could not take it."""
        try:
            self._client.send_message(QueueUrl=self._url, MessageBody=json.dumps(message, separators=(",", ":")))
            return True
        except Exception:
            logging.getLogger("store").exception("could not send message %s to the worker's queue", message.get("id"))
            return False


_shared: Optional[MessagesStore] = None


def shared_store(table_name: str) -> MessagesStore:
    """The store of the function's table, made on its first invocation and kept for the next ones (its client too)."""
    global _shared
    if _shared is None:
        _shared = MessagesStore(table_name)
    return _shared

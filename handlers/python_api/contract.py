"""The request contract of POST /api/messages/ and GET /api/messages/, as pure functions.

Kept free of FastAPI and pydantic so that it runs anywhere, and word for word the
contract of handlers/api/message-input.ts: both are tested against
handlers/contract-cases.json.
"""
import base64
import binascii
import json
import re
from typing import Any, Dict, Optional, Tuple, Union

MAX_BODY_BYTES = 64 * 1024
MAX_CONTENT_CHARS = 1000
MAX_AUTHOR_CHARS = 100
# How deep arrays and objects may nest in a request body, counting the top-level object.
MAX_JSON_DEPTH = 32
# A page holds at most 100 messages, far below Lambda's 6 MB response limit; more follow the Link header.
DEFAULT_LIST_LIMIT = 50
MAX_LIST_LIMIT = 100

# Control characters (Unicode Cc). Content may hold tab, line feed and carriage return; an author none.
_CONTENT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_AUTHOR_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_MESSAGE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")

# The characters JavaScript's String.prototype.trim removes, so "blank" means the same in both handlers.
_BLANK = re.compile("^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$")

# Unicode's Bidi_Control characters: embeddings, overrides, isolates and marks.
_BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Unicode's Default_Ignorable_Code_Point (zero-width spaces and joiners, variation selectors, tags...), and the blanks.
_INVISIBLE = re.compile(
    "^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0f\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]*$"
)
# A surrogate code point standing alone: JSON's \ud800 escape makes one; no UTF-8 text can hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")

ErrorBody = Dict[str, Any]
Failure = Tuple[int, ErrorBody]


def _fail(status: int, error: str, message: str, fields: Optional[Dict[str, str]] = None) -> Failure:
    body: ErrorBody = {"error": error, "message": message}
    if fields is not None:
        body["fields"] = fields
    return status, body


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a string"


def _check_field(body: Dict[str, Any], field: str, limit: int) -> Optional[str]:
    if field not in body:
        return "is required"
    value = body[field]
    if not isinstance(value, str):
        return f"must be a string, got {_kind_of(value)}"
    if value == "":
        return "must not be empty"
    if _BLANK.match(value):
        return "must not be blank"
    control, allowed = (_CONTENT_CONTROL, " other than tab, line feed and carriage return") if field == "content" else (_AUTHOR_CONTROL, "")
    found = control.search(value)
    if found:
        return f"must not contain control characters{allowed}, found U+{ord(found.group()):04X} at character {found.start() + 1}"
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return f"must not contain unpaired surrogates, found U+{ord(surrogate.group()):04X} at character {surrogate.start() + 1}"
    if field == "author":
        bidi = _BIDI_CONTROL.search(value)
        if bidi:
            return f"must not contain bidirectional control characters, found U+{ord(bidi.group()):04X} at character {bidi.start() + 1}"
        if _INVISIBLE.match(value):
            return "must contain a visible character, not only invisible ones"
    if len(value) > limit:
        return f"must be at most {limit} characters, got {len(value)}"
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def nests_deeper_than(text: str, limit: int) -> bool:
    """Whether JSON text opens more than `limit` arrays or objects inside each other, read before parsing
    (json.loads recursing 10,000 levels deep raises RecursionError). Brackets inside strings do not count."""
    depth = 0
    in_string = False
    i = 0
    while i < len(text):
        character = text[i]
        if in_string:
            if character == "\\":
                i += 1
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            if depth > limit:
                return True
        elif character in "]}":
            depth -= 1
        i += 1
    return False


def parse_content_type(raw: Optional[str]) -> Optional[Failure]:
    """None when a create's Content-Type is application/json (UTF-8 if a charset is named), else (415, error body)."""
    if raw is None or raw.strip() == "":
        return _fail(415, "unsupported_media_type", "Content-Type must be application/json, got none")
    media_type, *parameters = raw.split(";")
    if media_type.strip().lower() != "application/json":
        return _fail(415, "unsupported_media_type", f"Content-Type must be application/json, got {json.dumps(raw, ensure_ascii=False)}")
    for parameter in parameters:
        name, equals, value = parameter.partition("=")
        if not equals or name.strip().lower() != "charset":
            continue
        charset = value.strip()
        if len(charset) >= 2 and charset.startswith('"') and charset.endswith('"'):
            charset = charset[1:-1]
        if charset.lower() not in ("utf-8", "utf8"):
            return _fail(415, "unsupported_media_type", f"Content-Type application/json must be UTF-8, got charset {json.dumps(charset, ensure_ascii=False)}")
    return None


def expires_at(created_at_ms: int, ttl_days: int) -> Optional[int]:
    """When a message created at `created_at_ms` expires (DynamoDB's TTL attribute, epoch seconds); None when kept."""
    return created_at_ms // 1000 + ttl_days * 86400 if ttl_days > 0 else None


def parse_new_message(raw: bytes) -> Union[Tuple[str, str], Failure]:
    """Returns (content, author), or (status, error body)."""
    if len(raw) > MAX_BODY_BYTES:
        return _fail(413, "body_too_large", f"request body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES} (64 KiB)")
    if len(raw) == 0:
        return _fail(400, "invalid_json", 'request body is empty; send a JSON object such as {"content": "...", "author": "..."}')
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _fail(400, "invalid_encoding", "request body is not valid UTF-8")
    if nests_deeper_than(text, MAX_JSON_DEPTH):
        return _fail(400, "invalid_json", f"request body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep")
    try:
        body = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return _fail(400, "invalid_json", "request body is not valid JSON")
    if not isinstance(body, dict):
        return _fail(422, "invalid_body", f'request body must be a JSON object with "content" and "author", got {_kind_of(body)}')
    fields: Dict[str, str] = {}
    for field, limit in (("content", MAX_CONTENT_CHARS), ("author", MAX_AUTHOR_CHARS)):
        problem = _check_field(body, field, limit)
        if problem:
            fields[field] = problem
    if fields:
        message = "; ".join(f"{field} {problem}" for field, problem in fields.items())
        return _fail(422, "invalid_fields", message, fields)
    return body["content"], body["author"]


def parse_list_limit(raw: Optional[str]) -> Union[int, Failure]:
    """The optional `limit` query parameter: an int, or (status, error body)."""
    if raw is None:
        return DEFAULT_LIST_LIMIT
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= MAX_LIST_LIMIT:
        return _fail(
            400,
            "invalid_query",
            f'limit must be an integer from 1 to {MAX_LIST_LIMIT}, got {json.dumps(raw, ensure_ascii=False)}; follow the Link header (rel="next") for more',
        )
    return int(raw)


def cursor_after(last_id: str) -> str:
    """The cursor of the page after the one ending with message `last_id`: base64url of the id, unpadded."""
    return base64.urlsafe_b64encode(last_id.encode("utf-8")).decode("ascii").rstrip("=")


def parse_cursor(raw: Optional[str]) -> Union[None, str, Failure]:
    """The optional `cursor` query parameter: None, the id of the last message of the previous page, or (status, error body)."""
    if raw is None:
        return None
    message_id = ""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", raw):
        try:
            message_id = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            message_id = ""
    if not _MESSAGE_ID.fullmatch(message_id) or cursor_after(message_id) != raw:
        return _fail(400, "invalid_query", f"cursor {json.dumps(raw, ensure_ascii=False)} is not one this API gave out; start again without it")
    return message_id


def next_page_link(path: str, limit: int, last_id: str) -> str:
    """The Link header that points to the next page: the same path, the same limit, the cursor after this page."""
    return f'<{path}?limit={limit}&cursor={cursor_after(last_id)}>; rel="next"'


def not_found(method: str, path: str) -> Failure:
    return _fail(404, "not_found", f"no route for {method} {path}")


def method_not_allowed(method: str, allowed: Tuple[str, ...]) -> Failure:
    return _fail(405, "method_not_allowed", f"{method} is not allowed here; use {' or '.join(allowed)}")


STORAGE_UNAVAILABLE: Failure = _fail(503, "storage_unavailable", "the message store is unavailable; try again later")
INTERNAL_ERROR: Failure = _fail(500, "internal_error", "the server could not handle the request")

# Paths and the methods each allows, with and without the trailing slash.
ROUTES: Dict[str, Tuple[str, ...]] = {"/": ("GET",), "/api/messages": ("GET", "POST"), "/api/messages/": ("GET", "POST")}

"""The seed's API on FastAPI, served on Lambda through Mangum (handler: main.handler, as in the seed).

Routing, validation and error bodies come from contract.py, so the answers are the
Node.js function's, byte for byte in their JSON.
"""
import logging
import os
from typing import Any, Dict, Tuple

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from mangum import Mangum
from starlette.exceptions import HTTPException as StarletteHTTPException

import contract
from ids import created_at_of, created_millis_of, new_message_id
from store import MessagesStore, StoreUnavailable, WorkerQueue

logger = logging.getLogger("python_api")
store = MessagesStore(os.environ["TABLE_NAME"])
# The worker's queue, when the environment deploys the worker and grants the API "queue:worker".
worker_queue = WorkerQueue(os.environ["QUEUE_WORKER_URL"]) if os.environ.get("QUEUE_WORKER_URL") else None
version = os.environ.get("APP_VERSION", "unknown")
# Days a message is kept; DynamoDB's TTL removes it after, and lists leave expired ones out.
message_ttl_days = int(os.environ.get("MESSAGE_TTL_DAYS", "0") or "0")

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
app.router.redirect_slashes = False


def send(failure: Tuple[int, Dict[str, Any]], headers: Dict[str, str] = {}) -> JSONResponse:
    status, body = failure
    return JSONResponse(body, status_code=status, headers=headers or None)


@app.get("/")
async def health() -> JSONResponse:
    return JSONResponse({"status": "ok", "provider": "aws", "version": version})


async def list_messages(request: Request) -> JSONResponse:
    limit = contract.parse_list_limit(request.query_params.get("limit"))
    if isinstance(limit, tuple):
        return send(limit)
    cursor = contract.parse_cursor(request.query_params.get("cursor"))
    if isinstance(cursor, tuple):
        return send(cursor)
    try:
        messages, next_after = store.list(limit, cursor)
    except StoreUnavailable:
        logger.exception("message store failed")
        return send(contract.STORAGE_UNAVAILABLE)
    headers = {"Link": contract.next_page_link(request.url.path, limit, next_after)} if next_after else None
    return JSONResponse(messages, headers=headers)


async def create_message(request: Request) -> JSONResponse:
    media_type = contract.parse_content_type(request.headers.get("content-type"))
    if media_type is not None:
        return send(media_type)
    parsed = contract.parse_new_message(await request.body())
    if isinstance(parsed[0], int):
        return send(parsed)  # type: ignore[arg-type]
    content, author = parsed
    message_id = new_message_id()
    message = {"id": message_id, "content": content, "author": author, "created_at": created_at_of(message_id)}
    try:
        store.create(message, contract.expires_at(created_millis_of(message_id), message_ttl_days))
    except StoreUnavailable:
        logger.exception("message store failed")
        return send(contract.STORAGE_UNAVAILABLE)
    if worker_queue:
        # The message is stored: a send that fails is logged and the answer stays 201 (the worker's filing is derived).
        worker_queue.send(message)
    return JSONResponse(message, status_code=201)


for path in ("/api/messages", "/api/messages/"):
    app.add_api_route(path, list_messages, methods=["GET"])
    app.add_api_route(path, create_message, methods=["POST"])


@app.exception_handler(StarletteHTTPException)
async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    allowed = contract.ROUTES.get(request.url.path)
    if error.status_code == 405 and allowed:
        return send(contract.method_not_allowed(request.method, allowed), {"Allow": ", ".join(allowed)})
    if error.status_code == 404:
        return send(contract.not_found(request.method, request.url.path))
    return JSONResponse({"error": "http_error", "message": str(error.detail)}, status_code=error.status_code)


@app.exception_handler(Exception)
async def unhandled(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error")
    return send(contract.INTERNAL_ERROR)


handler = Mangum(app, lifespan="off")

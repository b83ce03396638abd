"""moto's AWS server, with Lambda's list calls paged as Lambda pages them.

moto (pinned in toolchain/requirements.lock.txt) answers ListFunctions, ListVersionsByFunction,
ListAliases, ListLayerVersions and ListLayers with every item in one response, and lists the
versions of a function that does not exist as an empty list. Lambda answers at most MaxItems
(and at most 50) items with a NextMarker for the rest, and ResourceNotFoundException for a
function that does not exist. This wraps moto's own responses, over moto's own state, so a
reader that stops after the first page, or reads a missing function as one without versions,
is caught by the tests.

  LAMBDA_PAGE_SIZE   the most items any page holds (Lambda's is 50); small to exercise paging
  LAMBDA_FAULTS      JSON list of {"operation", "function"?, "layer"?, "page", "error", "status"}:
                     that page (2 = the first asked for with a marker) of that listing answers the
                     error, every time it is asked for, as a listing that fails part way does;
                     GetLayerVersion (page 1) too, as for a layer version not shared with the caller

Usage: python moto_lambda_pages.py -H 127.0.0.1 -p <port>   (moto.server's own arguments)
"""

import base64
import json
import os
import sys
from urllib.parse import unquote

from moto.awslambda.exceptions import InvalidParameterValueException, LambdaClientError
from moto.awslambda.responses import LambdaResponse
from moto.server import main

LAMBDA_MAX_ITEMS = 50
PAGE_SIZE = min(int(os.environ.get("LAMBDA_PAGE_SIZE", str(LAMBDA_MAX_ITEMS))), LAMBDA_MAX_ITEMS)
FAULTS = json.loads(os.environ.get("LAMBDA_FAULTS", "[]"))


class InjectedFault(LambdaClientError):
    def __init__(self, error: str, status: int, message: str):
        self.code = status
        super().__init__(error, message)


def _first(querystring, name):
    values = querystring.get(name) or [None]
    return values[0]


def _marker(listing: str, index: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"listing": listing, "index": index}).encode()).decode()


def _start(listing: str, marker) -> int:
    if marker is None:
        return 0
    try:
        decoded = json.loads(base64.urlsafe_b64decode(marker.encode()))
        if decoded["listing"] == listing and isinstance(decoded["index"], int) and decoded["index"] > 0:
            return decoded["index"]
    except (ValueError, KeyError, TypeError):
        pass
    raise InvalidParameterValueException(f"Invalid marker: {marker}")


def _fault(operation: str, subject: dict, page: int) -> None:
    for fault in FAULTS:
        if fault.get("operation") != operation or fault.get("page") != page:
            continue
        if any(fault.get(key) not in (None, value) for key, value in subject.items()):
            continue
        error = fault.get("error", "TooManyRequestsException")
        raise InjectedFault(error, int(fault.get("status", 429)), f"{error} on page {page} of {operation} (LAMBDA_FAULTS)")


def _paged(operation: str, key: str, subject: dict, original):
    def respond(self):
        listing = f"{operation}:{json.dumps(subject(self), sort_keys=True)}"
        max_items = _first(self.querystring, "MaxItems")
        size = PAGE_SIZE
        if max_items is not None:
            if not max_items.isdigit() or int(max_items) < 1:
                raise InvalidParameterValueException(f"MaxItems must be a whole number from 1: {max_items}")
            size = min(size, int(max_items))
        start = _start(listing, _first(self.querystring, "Marker"))
        _fault(operation, subject(self), start // size + 1 if start else 1)
        answered = original(self)
        status, headers, body = answered if isinstance(answered, tuple) else (200, {}, answered)
        result = json.loads(body)
        items = result.get(key, [])
        if start > len(items):
            raise InvalidParameterValueException(f"Invalid marker: {_first(self.querystring, 'Marker')}")
        result[key] = items[start : start + size]
        if start + size < len(items):
            result["NextMarker"] = _marker(listing, start + size)
        return status, headers, json.dumps(result)

    return respond


def _function_name(self) -> str:
    return unquote(self.path.split("/")[-2])


def _existing_function(original):
    """Lambda answers ResourceNotFoundException for the versions or aliases of a function that does not exist."""

    def respond(self):
        self.backend.get_function(_function_name(self), None)  # UnknownFunctionException: 404 ResourceNotFoundException
        return original(self)

    return respond


LambdaResponse.list_functions = _paged(
    "ListFunctions", "Functions", lambda self: {"version": _first(self.querystring, "FunctionVersion")}, LambdaResponse.list_functions
)
LambdaResponse.list_versions_by_function = _paged(
    "ListVersionsByFunction",
    "Versions",
    lambda self: {"function": _function_name(self)},
    _existing_function(LambdaResponse.list_versions_by_function),
)
LambdaResponse.list_aliases = _paged(
    "ListAliases", "Aliases", lambda self: {"function": _function_name(self)}, _existing_function(LambdaResponse.list_aliases)
)
LambdaResponse.list_layer_versions = _paged(
    "ListLayerVersions", "LayerVersions", lambda self: {"layer": unquote(self.path.rsplit("/", 2)[-2])}, LambdaResponse.list_layer_versions
)
LambdaResponse.list_layers = _paged("ListLayers", "Layers", lambda self: {}, LambdaResponse.list_layers)


def _read_fault(operation: str, subject, original):
    """A read that is not a list (one "page"), which LAMBDA_FAULTS can make fail too: a layer version not shared with this account."""

    def respond(self):
        _fault(operation, subject(self), 1)
        return original(self)

    return respond


LambdaResponse.get_layer_version = _read_fault(
    "GetLayerVersion", lambda self: {"layer": unquote(self.path.split("/")[-3])}, LambdaResponse.get_layer_version
)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

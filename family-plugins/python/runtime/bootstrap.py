"""A Lambda runtime interface client for the local run's Python functions, copied to the sandbox's /var/runtime.

python -I -S -B -u bootstrap.py <sys.path entries...>

It does what Lambda's Python runtime does: put the function, the layers and the runtime's
own packages on sys.path in Lambda's order (before the standard library), import the
handler module from the task root, report an init failure the way Lambda reports it
(Runtime.ImportModuleError: "Unable to import module 'main': No module named 'mangum'"),
then loop on the Runtime API (next, response, error). Only the standard library is used.
"""
import decimal
import http.client
import importlib
import json
import os
import signal
import sys
import time
import traceback

API = os.environ.get("AWS_LAMBDA_RUNTIME_API", "")
HANDLER = os.environ.get("_HANDLER", "main.handler")


class Fault(Exception):
    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


def request(method, path, body=None, headers=None):
    host, port = API.split(":")
    connection = http.client.HTTPConnection(host, int(port))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def post_error(path, error_type, message, trace):
    body = json.dumps({"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": trace})
    request("POST", path, body.encode("utf-8"), {"content-type": "application/json", "lambda-runtime-function-error-type": error_type})


def load_handler(handler):
    """awslambdaric's rules: module path and function name, import errors as Runtime.ImportModuleError."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as error:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, error))
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise Fault("Runtime.BuiltInModuleConflict", "Cannot use built-in module %s as a handler module" % module_name)
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise Fault("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, error))
    except SyntaxError as error:
        trace = ['  File "%s" Line %s\n    %s' % (error.filename, error.lineno, error.text)]
        raise Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, error), trace)
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))


class Context:
    def __init__(self, headers):
        self.aws_request_id = headers.get("lambda-runtime-aws-request-id", "")
        self.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn", "")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = int(headers.get("lambda-runtime-deadline-ms", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline - int(time.time() * 1000))


def to_json(value):
    """The runtime's serialisation: Decimal as a number, anything else JSON cannot hold is a marshal error."""

    def default(item):
        if isinstance(item, decimal.Decimal):
            return int(item) if item == item.to_integral_value() else float(item)
        raise TypeError("Object of type %s is not JSON serializable" % type(item).__name__)

    return json.dumps(value, default=default)


def main():
    sys.path[:0] = [entry for entry in sys.argv[1:] if entry not in sys.path]
    try:
        handler = load_handler(HANDLER)
    except Fault as fault:
        sys.stderr.write("[ERROR] %s: %s\n" % (fault.error_type, fault.message))
        post_error("/2018-06-01/runtime/init/error", fault.error_type, fault.message, fault.trace)
        sys.exit(1)
    except Exception as error:  # an exception while the module runs its top level
        trace = traceback.format_exception(type(error), error, error.__traceback__)
        sys.stderr.write("[ERROR] %s: %s\n" % (type(error).__name__, error))
        post_error("/2018-06-01/runtime/init/error", "Runtime.Unknown", "%s: %s" % (type(error).__name__, error), trace)
        sys.exit(1)

    while True:
        _, headers, body = request("GET", "/2018-06-01/runtime/invocation/next")
        context = Context(headers)
        request_id = context.aws_request_id
        try:
            result = handler(json.loads(body), context)
        except Exception as error:
            trace = traceback.format_exception(type(error), error, error.__traceback__)
            sys.stderr.write("[ERROR] %s: %s\n" % (type(error).__name__, error))
            post_error("/2018-06-01/runtime/invocation/%s/error" % request_id, type(error).__name__, str(error), trace)
            continue
        try:
            payload = to_json(result)
        except (TypeError, ValueError) as error:
            post_error("/2018-06-01/runtime/invocation/%s/error" % request_id, "Runtime.MarshalError", "Unable to marshal response: %s" % error, [])
            continue
        request("POST", "/2018-06-01/runtime/invocation/%s/response" % request_id, payload.encode("utf-8"), {"content-type": "application/json"})


if __name__ == "__main__":
    # Lambda never interrupts a runtime; here Ctrl-C reaches the whole terminal group, and the local run stops its
    # functions itself, so an interrupt ends the process quietly instead of printing a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    main()

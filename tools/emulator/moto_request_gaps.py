"""Extension of moto 5.2.1 for every service, loaded by moto_server_ext.py: requests are
served one at a time, and every 5xx answer is logged with its service and operation.
"""

from __future__ import annotations

import io
import sys
import threading
from typing import Any
from urllib.parse import parse_qs

# --------------------------------------------------------------------------------------
# Gap 17 (every service): moto serves each request on its own thread, but its backends
# are plain dicts and lists changed without a lock (moto does not claim thread safety).
# With dev and prod applying side by side, one CI run failed with WafV2DuplicateItem on
# prod's CreateWebACL. Each stack's ACL has its own name, so the duplicate was prod's own
# ACL: a first attempt created it, its answer never reached the provider, and the
# provider retried (it retries HTTP 5xx and dropped connections). That run's emulator log
# is gone, so which call broke is not known; concurrent changes to moto's unlocked state
# are the likely cause, and they cannot happen here: one request runs at a time (moto's
# work is bound by Python's GIL anyway). AWS serves concurrent clients correctly, so this
# changes nothing the platform asks for. Every 5xx answer is logged with its service and
# operation ("moto 5xx: ..."), and a failed e2e run prints them (emulatorErrors() in
# tools/emulator/emulator.ts).
# --------------------------------------------------------------------------------------
def serialize_requests(applied: list[str]) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original_call = DomainDispatcherApplication.__call__
    lock = threading.Lock()

    def call(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        form = _buffer_form_body(environ)

        def report(status: str) -> None:
            sys.stderr.write(f"moto 5xx: {_describe_request(environ, form)}: {status}\n")

        def start(status: str, headers: Any, exc_info: Any = None) -> Any:
            if status.startswith("5"):
                report(status)
            return start_response(status, headers, exc_info)

        with lock:
            # The body is materialized inside the lock: nothing of a request runs unlocked.
            try:
                result = original_call(self, environ, start)
            except Exception as error:  # werkzeug answers 500 and logs the traceback
                report(f"500 {type(error).__name__}: {error}")
                raise
            try:
                return list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()

    DomainDispatcherApplication.__call__ = call
    applied.append("all services: one request at a time; 5xx answers are logged with their operation")


def _buffer_form_body(environ: dict[str, Any]) -> bytes:
    """A query-protocol body (its Action names the operation), put back for moto to read."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length <= 0 or not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return b""
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _describe_request(environ: dict[str, Any], form: bytes) -> str:
    """Service and operation of a request, from its signature scope, target header or form."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in auth else []
    service = scope[3] if len(scope) > 3 else "?"
    operation = environ.get("HTTP_X_AMZ_TARGET", "")
    if not operation and form:
        operation = (parse_qs(form.decode("utf-8", "replace")).get("Action") or [""])[0]
    method, path = environ.get("REQUEST_METHOD", "?"), environ.get("PATH_INFO", "")
    return f"{service} {method} {path} {operation}".rstrip()

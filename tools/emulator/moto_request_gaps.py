"""Extension of moto 5.2.1 for every service, loaded by moto_server_ext.py: requests are
served one at a time, every 5xx answer is logged with its service and operation, and an SDK's
retry of a request already answered gets that answer again (gap 37).
"""

from __future__ import annotations

import io
import sys
import threading
from collections import OrderedDict
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
# --------------------------------------------------------------------------------------
# Gap 37 (every service): an SDK retries a request whose answer it did not get, and moto
# runs it again. Three e2e runs on a loaded machine failed the same way: a create that moto
# had done was sent again and refused as a duplicate (API Gateway CreateStage 201 then 409
# in the same second; Backup CreateBackupPlan; WAFv2 CreateWebACL WafV2DuplicateItem on
# 2026-12-07, no 5xx logged). The AWS SDKs mark every attempt of one call with the same
# `amz-sdk-invocation-id` and count the attempts in `amz-sdk-request: attempt=N; max=M`
# (aws-sdk-go-v2 sets the id once per call in its build step, aws/middleware's
# RequestInvocationIDMiddleware, and its retry middleware repeats what lies below; the
# JavaScript SDK v3 and aws-sdk-go v1 do the same; the provider uses the Go SDKs). A retry
# (attempt 2 or later) of an invocation moto already answered gets that answer again, and
# the emulator logs it ("moto retry answered again: ..."); a retry moto never answered is
# run, and logged ("moto retry: ..."). A second invocation with the same name is still
# refused as AWS refuses it: only the same invocation is answered again. GETs change
# nothing and are run again.
# --------------------------------------------------------------------------------------
REPLAY_ENTRIES = 2000
REPLAY_MAX_BYTES = 1 << 20


def sdk_attempt(environ: dict[str, Any]) -> tuple[str, int]:
    """The SDK invocation a request belongs to and its attempt number (1 when not marked)."""
    invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID", "")
    attempt = 1
    for part in environ.get("HTTP_AMZ_SDK_REQUEST", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == "attempt" and value.isdigit():
            attempt = int(value)
    return invocation, attempt


def serialize_requests(applied: list[str]) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original_call = DomainDispatcherApplication.__call__
    lock = threading.Lock()
    # Answers of changing requests by SDK invocation (gap 37), the newest REPLAY_ENTRIES.
    answered: OrderedDict[str, tuple[str, list[Any], bytes]] = OrderedDict()

    def call(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        form = _buffer_form_body(environ)

        def report(status: str) -> None:
            sys.stderr.write(f"moto 5xx: {_describe_request(environ, form)}: {status}\n")

        def start(status: str, headers: Any, exc_info: Any = None) -> Any:
            if status.startswith("5"):
                report(status)
            return start_response(status, headers, exc_info)

        invocation, attempt = sdk_attempt(environ)
        with lock:
            earlier = answered.get(invocation) if invocation and attempt > 1 else None
            if earlier is not None:
                status, headers, body = earlier
                sys.stderr.write(
                    f"moto retry answered again: {_describe_request(environ, form)}: attempt {attempt} "
                    f"of invocation {invocation}, first answered {status}\n"
                )
                start_response(status, headers)
                return [body]
            if attempt > 1:
                sys.stderr.write(f"moto retry: {_describe_request(environ, form)}: attempt {attempt}\n")
            sent: list[Any] = []

            def remember(status: str, headers: Any, exc_info: Any = None) -> Any:
                sent[:] = [status, list(headers)]
                return start(status, headers, exc_info)

            # The body is materialized inside the lock: nothing of a request runs unlocked.
            try:
                result = original_call(self, environ, remember)
            except Exception as error:  # werkzeug answers 500 and logs the traceback
                report(f"500 {type(error).__name__}: {error}")
                raise
            try:
                chunks = list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            body = b"".join(chunks)
            if invocation and sent and environ.get("REQUEST_METHOD") != "GET" and len(body) <= REPLAY_MAX_BYTES:
                answered[invocation] = (sent[0], sent[1], body)
                while len(answered) > REPLAY_ENTRIES:
                    answered.popitem(last=False)
            return chunks

    DomainDispatcherApplication.__call__ = call
    applied.append(
        "all services: one request at a time; 5xx answers are logged with their operation; "
        "an SDK retry of an answered request gets the same answer"
    )


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

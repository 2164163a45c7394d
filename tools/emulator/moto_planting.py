"""What a test plants in the emulator: facts an AWS account has that no API call sets (an
account's Service Quotas values, the PostgreSQL versions a region offers), loaded by
moto_server_ext.py.

Each fact is planted with one POST to /moto-api/healthcare/<what> (JSON body, answered with
the JSON of what is now planted) and forgotten by POST /moto-api/reset, like every resource.
The extensions that answer AWS's calls read the facts from here (moto_quota_gaps.py,
moto_rds_engine_gaps.py). Nothing here is an AWS API: it is the emulator's equivalent of
"this account was opened with a quota of 10" or "this region never offered PostgreSQL 16".
"""

from __future__ import annotations

import json
from typing import Any, Callable

PLANTING_PREFIX = "/moto-api/healthcare"

# (account, region, service code, quota code) -> the quota's applied value.
QUOTAS: dict[tuple[str, str, str, str], float] = {}
# (region, engine) -> engine versions the region does not offer ("16" removes every 16.x).
REMOVED_ENGINE_VERSIONS: dict[tuple[str, str], set[str]] = {}

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class PlantingError(Exception):
    """A planting request the emulator refuses (HTTP 400, its message in the answer)."""


def forget_all() -> None:
    QUOTAS.clear()
    REMOVED_ENGINE_VERSIONS.clear()


def register(applied: list[str], name: str, handler: Handler) -> None:
    """POST /moto-api/healthcare/<name>: handler(JSON body) -> JSON answer (400 on PlantingError)."""
    from moto.moto_api._internal import urls as api_urls

    def view(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        if request.method != "POST":
            return 405, {"Content-Type": "application/json"}, json.dumps({"error": "POST only"})
        try:
            body = json.loads(request.get_data() or b"{}")
            if not isinstance(body, dict):
                raise PlantingError("the body must be a JSON object")
            answer = handler(body)
        except (PlantingError, ValueError) as error:
            return 400, {"Content-Type": "application/json"}, json.dumps({"error": str(error)})
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)

    view.__name__ = f"healthcare_{name.replace('-', '_')}"
    api_urls.url_paths[f"{{0}}{PLANTING_PREFIX}/{name}$"] = view
    applied.append(f"moto-api: POST {PLANTING_PREFIX}/{name} plants {handler.__doc__ or name}")


def forget_on_reset(applied: list[str]) -> None:
    """POST /moto-api/reset forgets what was planted, as it forgets every resource."""
    from moto.moto_api._internal.models import MotoAPIBackend

    original_reset = MotoAPIBackend.reset

    def reset(self: Any) -> None:
        original_reset(self)
        forget_all()

    MotoAPIBackend.reset = reset
    applied.append("moto-api: POST /moto-api/reset also forgets what was planted")


def required_text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise PlantingError(f"{key} (a non-empty string) is required")
    return value

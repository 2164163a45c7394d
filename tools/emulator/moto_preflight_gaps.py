"""Extensions of moto 5.2.1 for what `npm run preflight` asks (tools/preflight/checks.ts),
loaded by moto_server_ext.py: the cache engine versions and node types a region offers
(gaps 33, 34; moto answers both with HTTP 500 "not implemented") and the owner of a
security group rule (gap 35). docs/e2e.md lists them; tools/emulator-test/preflight.emulator.test.ts
tests them.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable

# --------------------------------------------------------------------------------------
# The catalog of ElastiCache engine versions, as DescribeCacheEngineVersions answers in
# eu-west-1: the list of cfn-lint 1.51.0 (its data file
# aws_elasticache_cachecluster/engine_version.json, "Automatically updated using aws api",
# i.e. written from DescribeCacheEngineVersions; the package installed here 2026-05-20),
# which agrees with AWS's "Supported engines and versions" page
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/supported-engine-versions.html):
# Redis OSS 4.0.10 and later, Valkey 7.2 and later, Memcached 1.4.5 and later. Each version
# with the parameter group family AWS names for it (API_CacheEngineVersion: redis4.0 |
# redis5.0 | redis6.x | redis7 | valkey7 | valkey8 | valkey9 | memcached1.4-1.6). The same
# list is answered in every region.
# --------------------------------------------------------------------------------------
CACHE_ENGINE_VERSIONS: list[tuple[str, str, str]] = [
    ("memcached", "1.4.5", "memcached1.4"),
    ("memcached", "1.4.14", "memcached1.4"),
    ("memcached", "1.4.24", "memcached1.4"),
    ("memcached", "1.4.33", "memcached1.4"),
    ("memcached", "1.4.34", "memcached1.4"),
    ("memcached", "1.5.10", "memcached1.5"),
    ("memcached", "1.5.16", "memcached1.5"),
    ("memcached", "1.6.6", "memcached1.6"),
    ("memcached", "1.6.12", "memcached1.6"),
    ("memcached", "1.6.17", "memcached1.6"),
    ("memcached", "1.6.22", "memcached1.6"),
    ("redis", "4.0.10", "redis4.0"),
    ("redis", "5.0.6", "redis5.0"),
    ("redis", "6.0", "redis6.x"),
    ("redis", "6.2", "redis6.x"),
    ("redis", "7.0", "redis7"),
    ("redis", "7.1", "redis7"),
    ("valkey", "7.2", "valkey7"),
    ("valkey", "8.0", "valkey8"),
    ("valkey", "8.1", "valkey8"),
    ("valkey", "8.2", "valkey8"),
    ("valkey", "9.0", "valkey9"),
]
ENGINE_DESCRIPTIONS = {"memcached": "Memcached", "redis": "Redis", "valkey": "Valkey"}

# MaxRecords: "Default: 100. Constraints: minimum 20; maximum 100" (both APIs).
MAX_RECORDS = (20, 100)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def engine_version_matches(version: str, wanted: str) -> bool:
    """A full version matches itself; a major or major.minor ("7", "1.6", "6.x") each of its
    versions."""
    prefix = wanted[:-2] if wanted.endswith(".x") else wanted
    return version == wanted or version.startswith(f"{prefix}.")


def cache_engine_versions(params: dict[str, Any]) -> list[dict[str, Any]]:
    """DescribeCacheEngineVersions' CacheEngineVersions for Engine, EngineVersion,
    CacheParameterGroupFamily and DefaultOnly (before paging)."""
    chosen = [v for v in CACHE_ENGINE_VERSIONS]
    engine = params.get("Engine")
    if engine:
        chosen = [v for v in chosen if v[0] == str(engine).lower()]
    wanted = params.get("EngineVersion")
    if wanted:
        chosen = [v for v in chosen if engine_version_matches(v[1], str(wanted))]
    family = params.get("CacheParameterGroupFamily")
    if family:
        chosen = [v for v in chosen if v[2] == family]
    if truthy(params.get("DefaultOnly")):
        # The default of each engine (of the major asked for): its newest version; for Redis
        # OSS that is 7.1, the version ElastiCache creates when none is given.
        newest: dict[str, tuple[str, str, str]] = {}
        for entry in chosen:
            if entry[0] not in newest or version_key(entry[1]) > version_key(newest[entry[0]][1]):
                newest[entry[0]] = entry
        chosen = [e for e in chosen if newest.get(e[0]) == e]
    chosen.sort(key=lambda e: (e[0], version_key(e[1])))
    return [
        {
            "Engine": e,
            "EngineVersion": v,
            "CacheParameterGroupFamily": f,
            "CacheEngineDescription": ENGINE_DESCRIPTIONS[e],
            "CacheEngineVersionDescription": f"{e} version {v}",
        }
        for e, v, f in chosen
    ]


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


# --------------------------------------------------------------------------------------
# The node types ElastiCache sells in eu-west-1, current generation only
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html):
# the eu-west-1 list of cfn-lint 1.51.0 (cachenodetype_enum.json, written from the AWS Price
# List API for "EU (Ireland)") without the previous generation (m1, m3, r3, t2). Data tiering
# (r6gd) is Valkey and Redis OSS only
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/data-tiering.html).
# --------------------------------------------------------------------------------------
CACHE_NODE_SIZES: dict[str, list[str]] = {
    "c7gn": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "m4": ["large", "xlarge", "2xlarge", "4xlarge", "10xlarge"],
    "m5": ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
    "m6g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "m7g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "r4": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"],
    "r5": ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
    "r6g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "r6gd": ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "r7g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "t3": ["micro", "small", "medium"],
    "t4g": ["micro", "small", "medium"],
}
DATA_TIERING_FAMILIES = {"r6gd"}
PRODUCT_DESCRIPTIONS = ["memcached", "redis", "valkey"]
OFFERING_TYPES = ["No Upfront", "Partial Upfront", "All Upfront"]
# Duration in seconds: 1 and 3 years; the filter takes years or seconds.
DURATIONS = {"1": 31536000, "3": 94608000, "31536000": 31536000, "94608000": 94608000}
OFFERING_NAMESPACE = uuid.UUID("6f1c5b0e-4d0a-4c55-9a52-0c7d3e8f2a11")


def cache_node_types() -> list[str]:
    return [f"cache.{family}.{size}" for family, sizes in CACHE_NODE_SIZES.items() for size in sizes]


def node_products(node_type: str) -> list[str]:
    family = node_type.split(".")[1]
    return ["redis", "valkey"] if family in DATA_TIERING_FAMILIES else PRODUCT_DESCRIPTIONS


def offering_id(node_type: str, product: str, duration: int, offering_type: str) -> str:
    """Stable across runs and servers, as an offering's id is on AWS."""
    return str(uuid.uuid5(OFFERING_NAMESPACE, f"{node_type}|{product}|{duration}|{offering_type}"))


def all_offerings() -> list[dict[str, Any]]:
    offerings = []
    for node_type in cache_node_types():
        for product in node_products(node_type):
            for duration in sorted(set(DURATIONS.values())):
                for offering_type in OFFERING_TYPES:
                    offerings.append(
                        {
                            "ReservedCacheNodesOfferingId": offering_id(node_type, product, duration, offering_type),
                            "CacheNodeType": node_type,
                            "Duration": duration,
                            # Prices are not modelled (AWS's change); nothing here reads them.
                            "FixedPrice": 0.0,
                            "UsagePrice": 0.0,
                            "ProductDescription": product,
                            "OfferingType": offering_type,
                            "RecurringCharges": [],
                        }
                    )
    return offerings


class Refusal(Exception):
    """(code, message): the answer AWS gives for the request."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def reserved_offerings(params: dict[str, Any]) -> list[dict[str, Any]]:
    """DescribeReservedCacheNodesOfferings' offerings for its filters (before paging)."""
    chosen = all_offerings()
    duration = params.get("Duration")
    if duration not in (None, ""):
        if str(duration) not in DURATIONS:
            raise Refusal("InvalidParameterValue", f"Invalid duration: {duration}. Valid values: 1 | 3 | 31536000 | 94608000")
        chosen = [o for o in chosen if o["Duration"] == DURATIONS[str(duration)]]
    for key in ("CacheNodeType", "ProductDescription", "OfferingType"):
        value = params.get(key)
        if value:
            chosen = [o for o in chosen if o[key] == value]
    wanted_id = params.get("ReservedCacheNodesOfferingId")
    if wanted_id:
        chosen = [o for o in chosen if o["ReservedCacheNodesOfferingId"] == wanted_id]
        if not chosen:
            raise Refusal("ReservedCacheNodesOfferingNotFound", f"ReservedCacheNodesOffering not found: {wanted_id}")
    return chosen


def page(items: list[Any], max_records: Any, marker: Any) -> tuple[list[Any], str | None]:
    """MaxRecords (20-100, default 100) and an opaque Marker (the next index here)."""
    size = 100 if max_records in (None, "") else int(max_records)
    if not MAX_RECORDS[0] <= size <= MAX_RECORDS[1]:
        raise Refusal("InvalidParameterValue", f"The value of MaxRecords must be between {MAX_RECORDS[0]} and {MAX_RECORDS[1]}.")
    start = 0
    if marker not in (None, ""):
        if not str(marker).isdigit() or int(marker) > len(items):
            raise Refusal("InvalidParameterValue", f"Invalid marker: {marker}")
        start = int(marker)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


# --------------------------------------------------------------------------------------
# Gap 33 (ElastiCache): DescribeCacheEngineVersions is not implemented (HTTP 500), so
# preflight's cache engine check cannot answer. AWS lists each engine version with its
# parameter group family
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheEngineVersions.html);
# so do we, from the catalog above.
# Gap 34 (ElastiCache): DescribeReservedCacheNodesOfferings is not implemented (HTTP 500);
# preflight reads it to know whether a node type is offered in the region (ElastiCache has no
# "orderable node types" API). AWS lists one offering per node type, product, duration and
# offering type
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeReservedCacheNodesOfferings.html);
# so do we for the node types above (a made-up type has none).
# --------------------------------------------------------------------------------------
def _patch_cache_catalog(applied: list[str]) -> None:
    from moto.core.responses import ActionResult
    from moto.elasticache.exceptions import ElastiCacheException
    from moto.elasticache.responses import ElastiCacheResponse

    def params_of(self: Any, keys: list[str]) -> dict[str, Any]:
        return {key: self._get_param(key) for key in keys}

    def answer(self: Any, key: str, build: Callable[[dict[str, Any]], list[Any]], keys: list[str]) -> ActionResult:
        params = params_of(self, keys + ["MaxRecords", "Marker"])
        try:
            items, marker = page(build(params), params["MaxRecords"], params["Marker"])
        except Refusal as refusal:
            # moto's own class: its serializer finds the error's shape (and HTTP status) by the
            # code in the exception's service model.
            raise ElastiCacheException(refusal.code, refusal.message)
        result: dict[str, Any] = {key: items}
        if marker:
            result["Marker"] = marker
        return ActionResult(result)

    def describe_cache_engine_versions(self: Any) -> ActionResult:
        keys = ["Engine", "EngineVersion", "CacheParameterGroupFamily", "DefaultOnly"]
        return answer(self, "CacheEngineVersions", cache_engine_versions, keys)

    def describe_reserved_cache_nodes_offerings(self: Any) -> ActionResult:
        keys = ["ReservedCacheNodesOfferingId", "CacheNodeType", "Duration", "ProductDescription", "OfferingType"]
        return answer(self, "ReservedCacheNodesOfferings", reserved_offerings, keys)

    ElastiCacheResponse.describe_cache_engine_versions = describe_cache_engine_versions
    ElastiCacheResponse.describe_reserved_cache_nodes_offerings = describe_reserved_cache_nodes_offerings
    applied.append("elasticache: DescribeCacheEngineVersions (redis, valkey, memcached) and DescribeReservedCacheNodesOfferings (gaps 33, 34)")


# --------------------------------------------------------------------------------------
# Gap 35 (EC2): DescribeSecurityGroupRules answers no GroupOwnerId ("The ID of the Amazon Web
# Services account that owns the security group",
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html); the
# drift report names a rule's peer by it (tools/drift/security-group-rules.ts). A rule belongs
# to its group, and the group to the account of the backend that holds it.
# --------------------------------------------------------------------------------------
def _patch_rule_owner(applied: list[str]) -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    SecurityGroupRule.group_owner_id = property(lambda self: self.ec2_backend.account_id)
    applied.append("ec2: DescribeSecurityGroupRules returns each rule's GroupOwnerId (gap 35)")


PREFLIGHT_PATCHES: list[Callable[[list[str]], None]] = [
    _patch_cache_catalog,
    _patch_rule_owner,
]

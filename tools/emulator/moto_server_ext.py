#!/usr/bin/env python3
"""moto_server (moto 5.2.x) with the project's small, documented extensions.

Started by tools/emulator/emulator.ts; usable by hand too:

    python3 tools/emulator/moto_server_ext.py --host 127.0.0.1 --port 5055

Each patch below closes one gap of the emulator (listed in docs/e2e.md) that stops the
*unchanged* synthesized Terraform from applying or destroying. None of them changes
what the platform asks AWS for; they make the emulator answer the way AWS answers.
The refusal rules (moto_refusal_rules.py, the rules R3, R8 beside the quotas and engine
versions they read, R12 in moto_trust_rules.py) make it refuse what AWS refuses, each citing
the AWS page. Facts no API
sets (an account's quota, a region's PostgreSQL versions) are planted by tests through
POST /moto-api/healthcare/... (moto_planting.py).
Patches are applied to moto's classes, so they survive POST /moto-api/reset.

--parent-pid makes the server exit when that process is gone, so an emulator never
outlives the script that started it (even if that script is killed with SIGKILL).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from typing import Any

import moto
from moto.elasticache import models as ec_models
from moto.elasticache.exceptions import ElastiCacheException
from moto.elasticache.responses import ElastiCacheResponse
from moto.core.responses import ActionResult, EmptyResult

from moto_account_gaps import ACCOUNT_PATCHES  # noqa: E402  (sibling module, same folder)
from moto_app_gaps import APP_PATCHES  # noqa: E402  (sibling module, same folder)
from moto_cache_gaps import CACHE_PATCHES  # noqa: E402  (sibling module, same folder)
from moto_baseline_gaps import BASELINE_PATCHES  # noqa: E402  (sibling module, same folder)
from moto_planting import forget_on_reset  # noqa: E402  (sibling module, same folder)
from moto_quota_gaps import QUOTA_PATCHES  # noqa: E402  (sibling module, same folder)
from moto_rds_engine_gaps import RDS_ENGINE_PATCHES  # noqa: E402  (sibling module, same folder)
from moto_recovery_gaps import RECOVERY_PATCHES  # noqa: E402  (sibling module, same folder)
from moto_refusal_rules import REFUSAL_RULES  # noqa: E402  (sibling module, same folder)
from moto_request_gaps import serialize_requests  # noqa: E402  (sibling module, same folder)
from moto_s3_gaps import S3_PATCHES  # noqa: E402  (sibling module, same folder)
from moto_trust_rules import TRUST_RULES  # noqa: E402  (sibling module, same folder)
from moto_preflight_gaps import PREFLIGHT_PATCHES  # noqa: E402  (sibling module, same folder)

APPLIED: list[str] = []


# --------------------------------------------------------------------------------------
# Gap 1 (ElastiCache): a replication group lists member cluster ids, but moto never
# creates those cache clusters. The AWS provider reads the first member with
# DescribeCacheClusters after create and on every refresh, so apply fails with
# CacheClusterNotFound. AWS creates one cache cluster per member; so do we, carrying
# the group's settings (node type, engine, parameter/subnet group, security groups,
# encryption) as AWS reports them.
#
# Same gap: the group's ReaderEndpoint structure is not returned (only its address is
# kept), so `reader_endpoint_address` is null. And with cluster mode disabled moto sizes the group from
# ReplicasPerNodeGroup only and ignores NumCacheClusters (what the provider sends for
# `num_cache_clusters`), so a 2-node group came back with 1 member.
# --------------------------------------------------------------------------------------
def _patch_replication_group_members() -> None:
    original_disabled = ec_models.ReplicationGroup._set_node_members_clusters_disabled

    def set_node_members_clusters_disabled(self: Any, **kwargs: Any) -> None:
        num = kwargs.get("num_cache_clusters") or 1
        if not kwargs.get("replicas_per_node_group") and num > 1:
            kwargs["replicas_per_node_group"] = num - 1
        original_disabled(self, **kwargs)

    ec_models.ReplicationGroup._set_node_members_clusters_disabled = (
        set_node_members_clusters_disabled
    )

    original_create = ec_models.ElastiCacheBackend.create_replication_group

    def create_replication_group(self: Any, *args: Any, **kwargs: Any) -> Any:
        group = original_create(self, *args, **kwargs)
        subnet_azs = _subnet_group_azs(self, group.cache_subnet_group_name)
        index = 0
        for node_group in group.node_groups:
            # AWS returns the reader endpoint as a structure next to PrimaryEndpoint; moto
            # keeps only the address string, so ReaderEndpoint was missing and the
            # provider's reader_endpoint_address came back null (measured).
            if node_group.get("reader_endpoint_address") and "reader_endpoint" not in node_group:
                node_group["reader_endpoint"] = {
                    "address": node_group["reader_endpoint_address"],
                    "port": group.port,
                }
            for member in node_group["node_group_members"]:
                cluster_id = member["cache_cluster_id"]
                if cluster_id in self.cache_clusters:
                    continue
                az = member.get("preferred_availability_zone")
                if subnet_azs and (not az or not az.startswith(self.region_name)):
                    az = subnet_azs[index % len(subnet_azs)]
                    member["preferred_availability_zone"] = az
                index += 1
                self.cache_clusters[cluster_id] = _member_cluster(self, group, cluster_id, az)
        return group

    ec_models.ElastiCacheBackend.create_replication_group = create_replication_group
    APPLIED.append("elasticache: replication group member clusters are created (and NumCacheClusters honoured)")


def _subnet_group_azs(backend: Any, name: str | None) -> list[str]:
    group = backend.cache_subnet_groups.get(name) if name else None
    if group is None:
        return []
    azs: list[str] = []
    for subnet in getattr(group, "subnets", None) or []:
        az = subnet.get("subnet_availability_zone")
        if isinstance(az, dict):
            az = az.get("Name")
        if az and az not in azs:
            azs.append(az)
    return sorted(azs)


def _member_cluster(backend: Any, group: Any, cluster_id: str, az: str | None) -> Any:
    engine_version = group.engine_version or "7.1"
    if engine_version.count(".") == 1:  # AWS reports the full version, e.g. 7.1.0
        engine_version = f"{engine_version}.0"
    cluster = ec_models.CacheCluster(
        account_id=backend.account_id,
        region_name=backend.region_name,
        cache_cluster_id=cluster_id,
        cache_node_type=group.cache_node_type,
        replication_group_id=group.replication_group_id,
        az_mode="single-az",
        preferred_availability_zone=az,
        num_cache_nodes=1,
        engine=group.engine or "redis",
        engine_version=engine_version,
        cache_parameter_group_name=group.cache_parameter_group_name,
        cache_subnet_group_name=group.cache_subnet_group_name,
        transit_encryption_enabled=group.transit_encryption_enabled,
        network_type=group.network_type,
        ip_discovery=group.ip_discovery,
        snapshot_name=None,
        preferred_maintenance_window=group.preferred_maintenance_window,
        port=group.port,
        notification_topic_arn=group.notification_topic_arn,
        auto_minor_version_upgrade=group.auto_minor_version_upgrade,
        snapshot_retention_limit=group.snapshot_retention_limit,
        snapshot_window=group.snapshot_window,
        auth_token="set" if group.auth_token_enabled else None,
        outpost_mode=None,
        preferred_outpost_arn=None,
        preferred_availability_zones=None,
        cache_security_group_names=None,
        security_group_ids=group.security_group_ids,
        tags=None,
        snapshot_arns=None,
        preferred_outpost_arns=None,
        log_delivery_configurations=[],
        cache_node_ids_to_remove=None,
        cache_node_ids_to_reboot=None,
    )
    # Attributes DescribeCacheClusters returns for a member that moto's CacheCluster
    # does not model (names follow the API shape, which moto's serializer maps).
    cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled
    cluster.transit_encryption_mode = group.transit_encryption_mode
    cluster.cache_parameter_group = {
        "CacheParameterGroupName": group.cache_parameter_group_name or "default.redis7",
        "ParameterApplyStatus": "in-sync",
        "CacheNodeIdsToReboot": [],
    }
    cluster.security_groups = [
        {"SecurityGroupId": sg, "Status": "active"} for sg in (group.security_group_ids or [])
    ]
    cluster.cache_nodes = [
        {
            "CacheNodeId": "0001",
            "CacheNodeStatus": "available",
            "CacheNodeCreateTime": cluster.cache_cluster_create_time,
            "Endpoint": {"Address": f"{cluster_id}.cache.amazonaws.com", "Port": cluster.port},
            "ParameterGroupStatus": "in-sync",
            "CustomerAvailabilityZone": az,
        }
    ]
    cluster.snapshot_retention_limit = group.snapshot_retention_limit
    cluster.snapshot_window = group.snapshot_window
    return cluster


# --------------------------------------------------------------------------------------
# Gap 2 (ElastiCache): DeleteReplicationGroup leaves the group "deleting" forever, and
# the provider waits for ReplicationGroupNotFound, so destroy hangs until its timeout.
# AWS removes the group and its member clusters; so do we (the response still shows
# the group as "deleting", as AWS's does).
# --------------------------------------------------------------------------------------
def _patch_replication_group_delete() -> None:
    original_delete = ec_models.ElastiCacheBackend.delete_replication_group

    def delete_replication_group(self: Any, replication_group_id: str, retain_primary_cluster: bool | None) -> Any:
        group = original_delete(self, replication_group_id, retain_primary_cluster)
        for node_group in group.node_groups:
            for member in node_group["node_group_members"]:
                self.cache_clusters.pop(member["cache_cluster_id"], None)
        self.replication_groups.pop(replication_group_id, None)
        return group

    ec_models.ElastiCacheBackend.delete_replication_group = delete_replication_group
    APPLIED.append("elasticache: DeleteReplicationGroup removes the group and its member clusters")


# --------------------------------------------------------------------------------------
# Gap 3 (ElastiCache): cache parameter groups are not implemented at all
# (CreateCacheParameterGroup answers HTTP 500 "has not been implemented"), so an
# `aws_elasticache_parameter_group` cannot be created, and ListTagsForResource rejects
# parameter-group ARNs. A minimal, in-memory implementation of the calls the provider
# makes: create/describe/modify/reset/delete a group, describe its user parameters.
# --------------------------------------------------------------------------------------
class CacheParameterGroupNotFound(ElastiCacheException):
    code = "CacheParameterGroupNotFound"

    def __init__(self, name: str):
        super().__init__(f"CacheParameterGroup {name} not found.")


class CacheParameterGroupAlreadyExists(ElastiCacheException):
    code = "CacheParameterGroupAlreadyExists"

    def __init__(self, name: str):
        super().__init__(f"Parameter group {name} already exists.")


def _parameter_groups(backend: Any) -> dict[str, dict[str, Any]]:
    return backend.__dict__.setdefault("ext_cache_parameter_groups", {})


def _parameter_group(backend: Any, name: str | None) -> dict[str, Any]:
    group = _parameter_groups(backend).get(name or "")
    if group is None:
        raise CacheParameterGroupNotFound(name or "")
    return group


def _patch_parameter_groups() -> None:
    original_init = ec_models.ElastiCacheBackend.__init__

    def backend_init(self: Any, region_name: str, account_id: str) -> None:
        original_init(self, region_name, account_id)
        # Accept parameter-group ARNs in the tagging calls.
        self.arn_regex = ec_models.re_compile(
            r"^arn:aws:elasticache:.*:[0-9]*:(cluster|snapshot|subnetgroup|replicationgroup|user|parametergroup):.*$"
        )

    ec_models.ElastiCacheBackend.__init__ = backend_init

    def create_cache_parameter_group(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        name = self._get_param("CacheParameterGroupName")
        groups = _parameter_groups(backend)
        if name in groups:
            raise CacheParameterGroupAlreadyExists(name)
        arn = f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:parametergroup:{name}"
        groups[name] = {
            "description": {
                "CacheParameterGroupName": name,
                "CacheParameterGroupFamily": self._get_param("CacheParameterGroupFamily"),
                "Description": self._get_param("Description") or "",
                "IsGlobal": False,
                "ARN": arn,
            },
            "parameters": {},
        }
        tags = self._get_param("Tags", [])
        if tags:
            backend.tagging_service.tag_resource(arn, tags)
        return ActionResult({"CacheParameterGroup": groups[name]["description"]})

    def describe_cache_parameter_groups(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        name = self._get_param("CacheParameterGroupName")
        if name:
            found = [_parameter_group(backend, name)["description"]]
        else:
            found = [g["description"] for g in _parameter_groups(backend).values()]
        return ActionResult({"CacheParameterGroups": found})

    def describe_cache_parameters(self: Any) -> ActionResult:
        group = _parameter_group(self.elasticache_backend, self._get_param("CacheParameterGroupName"))
        source = self._get_param("Source")
        parameters = [
            {
                "ParameterName": key,
                "ParameterValue": value,
                "Source": "user",
                "DataType": "string",
                "IsModifiable": True,
                "ChangeType": "immediate",
            }
            for key, value in sorted(group["parameters"].items())
            if source in (None, "", "user")
        ]
        return ActionResult({"Parameters": parameters, "CacheNodeTypeSpecificParameters": []})

    def modify_cache_parameter_group(self: Any) -> ActionResult:
        name = self._get_param("CacheParameterGroupName")
        group = _parameter_group(self.elasticache_backend, name)
        for item in self._get_param("ParameterNameValues", []) or []:
            group["parameters"][item["ParameterName"]] = item.get("ParameterValue")
        return ActionResult({"CacheParameterGroupName": name})

    def reset_cache_parameter_group(self: Any) -> ActionResult:
        name = self._get_param("CacheParameterGroupName")
        group = _parameter_group(self.elasticache_backend, name)
        if self._get_bool_param("ResetAllParameters"):
            group["parameters"].clear()
        for item in self._get_param("ParameterNameValues", []) or []:
            group["parameters"].pop(item["ParameterName"], None)
        return ActionResult({"CacheParameterGroupName": name})

    def delete_cache_parameter_group(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        name = self._get_param("CacheParameterGroupName")
        group = _parameter_group(backend, name)
        backend.tagging_service.delete_all_tags_for_resource(group["description"]["ARN"])
        del _parameter_groups(backend)[name]
        return EmptyResult()

    for handler in (
        create_cache_parameter_group,
        describe_cache_parameter_groups,
        describe_cache_parameters,
        modify_cache_parameter_group,
        reset_cache_parameter_group,
        delete_cache_parameter_group,
    ):
        setattr(ElastiCacheResponse, handler.__name__, handler)
    APPLIED.append("elasticache: cache parameter groups (create/describe/modify/reset/delete, user parameters)")


# --------------------------------------------------------------------------------------
# Gap 7 (EC2): DescribeSecurityGroupRules returns no Description for a rule that
# references another security group (moto reads it from the CIDR part only, but keeps
# it with the referenced group). Every `aws_vpc_security_group_ingress_rule` with
# `referenced_security_group_id` and a description then drifted on each plan
# (measured). AWS returns the description; so do we.
# --------------------------------------------------------------------------------------
def _patch_security_group_rule_description() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    def description(self: Any) -> str | None:
        return self.ip_range.get("Description") or (self.source_group or {}).get("Description")

    SecurityGroupRule.description = property(description)
    APPLIED.append("ec2: security group rules referencing a group return their Description")


# --------------------------------------------------------------------------------------
# Parent watchdog: exit when the process that started us is gone.
# --------------------------------------------------------------------------------------
def _watch_parent(parent_pid: int) -> None:
    def loop() -> None:
        while True:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass
            if os.getppid() != parent_pid:
                os._exit(0)
            time.sleep(1)

    threading.Thread(target=loop, name="parent-watchdog", daemon=True).start()


PATCHES = [
    _patch_replication_group_members,
    _patch_replication_group_delete,
    _patch_parameter_groups,
    _patch_security_group_rule_description,
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--parent-pid", type=int, default=None)
    args = parser.parse_args()

    # A moto setting, not a patch: AWS managed IAM policies (e.g. AmazonRDSEnhancedMonitoringRole,
    # AmazonAPIGatewayPushToCloudWatchLogs) exist in every account; moto loads them only when
    # asked, else AttachRolePolicy answers NoSuchEntity (measured on the platform stack).
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    serialize_requests(APPLIED)  # every service: one request at a time (moto_request_gaps.py)
    for patch in PATCHES:
        patch()
    for s3_patch in S3_PATCHES:  # S3 lifecycle and conditional bucket policies (moto_s3_gaps.py)
        s3_patch(APPLIED)
    for cache_patch in CACHE_PATCHES:  # ElastiCache RBAC (moto_cache_gaps.py)
        cache_patch(APPLIED)
    for baseline_patch in BASELINE_PATCHES:  # the account baseline's gaps (moto_baseline_gaps.py)
        baseline_patch(APPLIED)
    for app_patch in APP_PATCHES:  # the readiness app's and the e2e lifecycle's (moto_app_gaps.py)
        app_patch(APPLIED)
    for quota_patch in QUOTA_PATCHES:  # Service Quotas and Lambda concurrency (moto_quota_gaps.py)
        quota_patch(APPLIED)
    for engine_patch in RDS_ENGINE_PATCHES:  # PostgreSQL versions and classes (moto_rds_engine_gaps.py)
        engine_patch(APPLIED)
    for recovery_patch in RECOVERY_PATCHES:  # import-then-update after a killed apply (moto_recovery_gaps.py)
        recovery_patch(APPLIED)
    for rule in REFUSAL_RULES:  # what AWS refuses and moto accepts (moto_refusal_rules.py)
        rule(APPLIED)
    for account_patch in ACCOUNT_PATCHES:  # requests across accounts (moto_account_gaps.py)
        account_patch(APPLIED)
    for trust_rule in TRUST_RULES:  # STS evaluates trust policies, rule R12 (moto_trust_rules.py)
        trust_rule(APPLIED)
    for preflight_patch in PREFLIGHT_PATCHES:  # what npm run preflight asks (moto_preflight_gaps.py)
        preflight_patch(APPLIED)
    forget_on_reset(APPLIED)  # planted facts (moto_planting.py) go with POST /moto-api/reset
    sys.stderr.write(f"moto {moto.__version__} with extensions:\n")
    for line in APPLIED:
        sys.stderr.write(f"  - {line}\n")
    sys.stderr.flush()

    if args.parent_pid:
        _watch_parent(args.parent_pid)

    from moto.server import main as moto_main

    moto_main(["-H", args.host, "-p", str(args.port)])


if __name__ == "__main__":
    main()

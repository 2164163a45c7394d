#!/usr/bin/env python3
"""moto_server (moto 5.2.x) with the project's small, documented extensions.

Started by scripts/lib/emulator.ts; usable by hand too:

    python3 scripts/emulator/moto_server_ext.py --host 127.0.0.1 --port 5055

Each patch below closes one gap of the emulator (listed in docs/e2e.md) that stops the
*unchanged* synthesized Terraform from applying or destroying. None of them changes
what the platform asks AWS for; they make the emulator answer the way AWS answers.
Patches are applied to moto's classes, so they survive POST /moto-api/reset.

--parent-pid makes the server exit when that process is gone, so an emulator never
outlives the script that started it (even if that script is killed with SIGKILL).
"""

from __future__ import annotations

import argparse
import json
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
# Gap 4 (ElastiCache): DeleteCacheSubnetGroup is not implemented (HTTP 500), so destroy
# of an `aws_elasticache_subnet_group` fails. AWS deletes the group; so do we.
# --------------------------------------------------------------------------------------
def _patch_subnet_group_delete() -> None:
    from moto.elasticache.exceptions import CacheSubnetGroupNotFound

    def delete_cache_subnet_group(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        name = self._get_param("CacheSubnetGroupName")
        group = backend.cache_subnet_groups.pop(name, None)
        if group is None:
            raise CacheSubnetGroupNotFound(name)
        backend.tagging_service.delete_all_tags_for_resource(group.arn)
        return EmptyResult()

    ElastiCacheResponse.delete_cache_subnet_group = delete_cache_subnet_group
    APPLIED.append("elasticache: DeleteCacheSubnetGroup")


# --------------------------------------------------------------------------------------
# Gap 5 (S3): a lifecycle rule's NoncurrentVersionExpiration.NewerNoncurrentVersions is
# dropped (moto keeps NoncurrentDays only). The provider waits after
# PutBucketLifecycleConfiguration until GetBucketLifecycleConfiguration returns the
# rules it sent, so `aws_s3_bucket_lifecycle_configuration` times out after 3 minutes
# (measured on the bootstrap stack's noncurrent-version rule). AWS stores the value;
# so do we, and return it.
# --------------------------------------------------------------------------------------
def _patch_s3_lifecycle_newer_noncurrent_versions() -> None:
    from moto.s3.models import FakeBucket
    from moto.s3.responses import S3Response

    original_set = FakeBucket.set_lifecycle

    def set_lifecycle(self: Any, rules: list[dict[str, Any]]) -> None:
        original_set(self, rules)
        for model_rule, raw in zip(self.rules, rules):
            newer = (raw.get("NoncurrentVersionExpiration") or {}).get("NewerNoncurrentVersions")
            model_rule.nve_newer_versions = int(newer) if newer is not None else None

    FakeBucket.set_lifecycle = set_lifecycle

    original_get = S3Response.get_bucket_lifecycle

    def get_bucket_lifecycle(self: Any) -> Any:
        rules = self.backend.get_bucket_lifecycle(self.bucket_name) or []
        original_serialized = self.serialized

        def serialized(action_result: Any) -> Any:
            result = action_result.result
            if isinstance(result, dict):
                for answer, model_rule in zip(result.get("Rules", []), rules):
                    newer = getattr(model_rule, "nve_newer_versions", None)
                    if newer is not None and "NoncurrentVersionExpiration" in answer:
                        answer["NoncurrentVersionExpiration"]["NewerNoncurrentVersions"] = newer
            return original_serialized(action_result)

        self.serialized = serialized
        try:
            return original_get(self)
        finally:
            del self.serialized

    S3Response.get_bucket_lifecycle = get_bucket_lifecycle
    APPLIED.append("s3: lifecycle NoncurrentVersionExpiration.NewerNoncurrentVersions is stored and returned")


# --------------------------------------------------------------------------------------
# Gap 6 (S3 bucket policies): moto checks object requests against the bucket policy
# without any request context, and a statement whose Condition does not match counts
# as DENIED whatever its Effect. So every conditional Deny denies everything: the state
# bucket's "deny requests without TLS" and "deny uploads not encrypted with KMS"
# statements made every state read/write fail with 403 (measured: HeadObject 403 on
# terraform init of the platform stack). On AWS those statements deny only non-TLS or
# unencrypted requests. moto cannot tell (it has no request context to give), so here a
# conditional statement does not apply; unconditional statements are evaluated as
# before. The policy itself is checked by the integration tests (GetBucketPolicy).
# --------------------------------------------------------------------------------------
def _patch_s3_conditional_bucket_policy() -> None:
    import json

    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(self.policy.decode())
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        document["Statement"] = [st for st in statements if not st.get("Condition")]
        if not document["Statement"]:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission
    APPLIED.append("s3: bucket-policy statements with a Condition are not evaluated (no request context)")


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
# Account baseline gaps (TapAccountBaseline). Each answers the way AWS answers; none
# changes what the stack asks for. Measured by deploying TapStateBackend then
# TapAccountBaseline with Terraform on moto 5.2.1 (docs/account-baseline.md).
# --------------------------------------------------------------------------------------


# Gap 8 (Backup): CreateBackupSelection, GetBackupSelection, DeleteBackupSelection and
# ListBackupSelections are not implemented (HTTP 500), so `aws_backup_selection` cannot
# be created. AWS stores the selection under its plan and returns it as sent; so do we.
def _patch_backup_selections() -> None:
    import re
    import uuid
    from datetime import datetime, timezone

    from moto.backup.responses import BackupResponse

    path = re.compile(r"/backup/plans/(?P<plan>[^/]+)/selections/?(?P<selection>[^/]*)/?$")

    def selections(response: Any) -> dict[str, dict[str, dict[str, Any]]]:
        backend = response.backup_backend
        if not hasattr(backend, "_project_selections"):
            backend._project_selections = {}
        return backend._project_selections

    def parts(response: Any) -> tuple[str, str]:
        match = path.search(response.path.split("?")[0])
        return (match.group("plan"), match.group("selection")) if match else ("", "")

    def not_found(what: str) -> Any:
        from moto.backup.exceptions import ResourceNotFoundException

        return ResourceNotFoundException(msg=f"{what} not found")

    def create_backup_selection(self: Any) -> str:
        plan_id, _ = parts(self)
        self.backup_backend.get_backup_plan(backup_plan_id=plan_id, version_id=None)
        params = json.loads(self.body)
        selection_id = str(uuid.uuid4())
        created = datetime.now(timezone.utc).timestamp()
        selections(self).setdefault(plan_id, {})[selection_id] = {
            "BackupSelection": params["BackupSelection"],
            "SelectionId": selection_id,
            "BackupPlanId": plan_id,
            "CreationDate": created,
            "CreatorRequestId": params.get("CreatorRequestId"),
        }
        return json.dumps({"SelectionId": selection_id, "BackupPlanId": plan_id, "CreationDate": created})

    def get_backup_selection(self: Any) -> str:
        plan_id, selection_id = parts(self)
        found = selections(self).get(plan_id, {}).get(selection_id)
        if found is None:
            raise not_found(f"Backup selection {selection_id}")
        return json.dumps(found)

    def delete_backup_selection(self: Any) -> str:
        plan_id, selection_id = parts(self)
        if selections(self).get(plan_id, {}).pop(selection_id, None) is None:
            raise not_found(f"Backup selection {selection_id}")
        return "{}"

    def list_backup_selections(self: Any) -> str:
        plan_id, _ = parts(self)
        listed = [
            {
                "SelectionId": s["SelectionId"],
                "SelectionName": s["BackupSelection"]["SelectionName"],
                "BackupPlanId": plan_id,
                "CreationDate": s["CreationDate"],
                "IamRoleArn": s["BackupSelection"]["IamRoleArn"],
            }
            for s in selections(self).get(plan_id, {}).values()
        ]
        return json.dumps({"BackupSelectionsList": listed})

    BackupResponse.create_backup_selection = create_backup_selection
    BackupResponse.get_backup_selection = get_backup_selection
    BackupResponse.delete_backup_selection = delete_backup_selection
    BackupResponse.list_backup_selections = list_backup_selections
    APPLIED.append("backup: backup selections (create, get, list, delete)")


# Gap 9 (Config): PutConformancePack, DescribeConformancePacks,
# DescribeConformancePackStatus and DeleteConformancePack are not implemented (HTTP 500).
# AWS deploys the pack's rules through CloudFormation and reports CREATE_COMPLETE; here
# the pack is stored (after the check AWS makes first: the template must be given and
# a recorder must exist) and reported CREATE_COMPLETE. Its rules are not evaluated.
def _patch_conformance_packs() -> None:
    from datetime import datetime, timezone

    from moto.config.exceptions import InvalidParameterValueException
    from moto.config.responses import ConfigResponse
    from moto.core.exceptions import JsonRESTError

    class NoSuchConformancePack(JsonRESTError):
        code = 400

        def __init__(self, name: str) -> None:
            super().__init__("NoSuchConformancePackException", f"Conformance pack {name} does not exist.")

    def packs(response: Any) -> dict[str, dict[str, Any]]:
        backend = response.config_backend
        if not hasattr(backend, "_project_conformance_packs"):
            backend._project_conformance_packs = {}
        return backend._project_conformance_packs

    def put_conformance_pack(self: Any) -> str:
        params = json.loads(self.body)
        name = params["ConformancePackName"]
        if not (params.get("TemplateBody") or params.get("TemplateS3Uri")):
            raise InvalidParameterValueException("Either the TemplateBody or the TemplateS3Uri must be given.")
        if not self.config_backend.recorders:
            raise JsonRESTError(
                "NoAvailableConfigurationRecorderException",
                "Configuration recorder is not available to put conformance pack.",
            )
        pack_id = f"conformance-pack-{abs(hash(name)) % 10**12:012d}"
        arn = f"arn:aws:config:{self.region}:{self.current_account}:conformance-pack/{name}/{pack_id}"
        packs(self)[name] = {
            "ConformancePackName": name,
            "ConformancePackArn": arn,
            "ConformancePackId": pack_id,
            "DeliveryS3Bucket": params.get("DeliveryS3Bucket", ""),
            "DeliveryS3KeyPrefix": params.get("DeliveryS3KeyPrefix", ""),
            "ConformancePackInputParameters": params.get("ConformancePackInputParameters", []),
            "LastUpdateRequestedTime": datetime.now(timezone.utc).timestamp(),
            "TemplateBody": params.get("TemplateBody"),
        }
        return json.dumps({"ConformancePackArn": arn})

    def selected(self: Any) -> list[dict[str, Any]]:
        names = json.loads(self.body or "{}").get("ConformancePackNames") or list(packs(self))
        for name in names:
            if name not in packs(self):
                raise NoSuchConformancePack(name)
        return [packs(self)[n] for n in names]

    def describe_conformance_packs(self: Any) -> str:
        details = [{k: v for k, v in p.items() if k != "TemplateBody"} for p in selected(self)]
        return json.dumps({"ConformancePackDetails": details})

    def describe_conformance_pack_status(self: Any) -> str:
        # Unlike DescribeConformancePacks, AWS answers an unknown name here with an empty
        # list (the provider's delete waiter relies on it).
        names = json.loads(self.body or "{}").get("ConformancePackNames") or list(packs(self))
        statuses = [
            {
                "ConformancePackName": p["ConformancePackName"],
                "ConformancePackId": p["ConformancePackId"],
                "ConformancePackArn": p["ConformancePackArn"],
                "ConformancePackState": "CREATE_COMPLETE",
                "StackArn": f"arn:aws:cloudformation:{self.region}:{self.current_account}:stack/awsconfigconforms-{p['ConformancePackName']}/{p['ConformancePackId']}",
                "LastUpdateRequestedTime": p["LastUpdateRequestedTime"],
            }
            for p in (packs(self)[n] for n in names if n in packs(self))
        ]
        return json.dumps({"ConformancePackStatusDetails": statuses})

    def delete_conformance_pack(self: Any) -> str:
        name = json.loads(self.body)["ConformancePackName"]
        if packs(self).pop(name, None) is None:
            raise NoSuchConformancePack(name)
        return "{}"

    ConfigResponse.put_conformance_pack = put_conformance_pack
    ConfigResponse.describe_conformance_packs = describe_conformance_packs
    ConfigResponse.describe_conformance_pack_status = describe_conformance_pack_status
    ConfigResponse.delete_conformance_pack = delete_conformance_pack
    APPLIED.append("config: conformance packs (put, describe, status, delete; rules not evaluated)")


# Gap 10 (Security Hub): UpdateSecurityHubConfiguration, BatchEnableStandards,
# GetEnabledStandards and BatchDisableStandards are not implemented (HTTP 500, or 404
# for the /standards paths), so `aws_securityhub_account` and
# `aws_securityhub_standards_subscription` fail. AWS stores the hub settings and the
# subscriptions (status READY); so do we. Controls are not evaluated.
def _patch_securityhub_standards() -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.securityhub import models as sh_models
    from moto.securityhub import urls as sh_urls
    from moto.securityhub.responses import SecurityHubResponse

    for url in ("{0}/standards/register$", "{0}/standards/deregister$", "{0}/standards/get$"):
        sh_urls.url_paths[url] = SecurityHubResponse.dispatch

    def hub_settings(backend: Any) -> dict[str, Any]:
        if not hasattr(backend, "_project_hub_settings"):
            backend._project_hub_settings = {"AutoEnableControls": True, "ControlFindingGenerator": "SECURITY_CONTROL"}
            backend._project_standards = {}
        return backend._project_hub_settings

    original_describe = sh_models.SecurityHubBackend.describe_hub

    def describe_hub(self: Any, hub_arn: str | None = None) -> dict[str, Any]:
        return {**original_describe(self, hub_arn=hub_arn), **hub_settings(self)}

    def update_security_hub_configuration(self: Any) -> str:
        self.securityhub_backend.describe_hub()  # refuses when the hub is not enabled
        params = json.loads(self.body or "{}")
        settings = hub_settings(self.securityhub_backend)
        for key in ("AutoEnableControls", "ControlFindingGenerator"):
            if key in params:
                settings[key] = params[key]
        return "{}"

    def standards(response: Any) -> dict[str, dict[str, Any]]:
        hub_settings(response.securityhub_backend)
        return response.securityhub_backend._project_standards

    def batch_enable_standards(self: Any) -> str:
        self.securityhub_backend.describe_hub()
        enabled = []
        for request in json.loads(self.body)["StandardsSubscriptionRequests"]:
            standards_arn = request["StandardsArn"]
            path = standards_arn.split(":standards/", 1)[-1].split(":ruleset/", 1)[-1]
            arn = f"arn:aws:securityhub:{self.region}:{self.current_account}:subscription/{path}"
            subscription = {
                "StandardsSubscriptionArn": arn,
                "StandardsArn": standards_arn,
                "StandardsInput": request.get("StandardsInput", {}),
                "StandardsStatus": "READY",
            }
            standards(self)[arn] = subscription
            enabled.append(subscription)
        return json.dumps({"StandardsSubscriptions": enabled})

    def get_enabled_standards(self: Any) -> str:
        wanted = json.loads(self.body or "{}").get("StandardsSubscriptionArns")
        found = [s for arn, s in standards(self).items() if not wanted or arn in wanted]
        return json.dumps({"StandardsSubscriptions": found})

    def batch_disable_standards(self: Any) -> str:
        removed = []
        for arn in json.loads(self.body)["StandardsSubscriptionArns"]:
            subscription = standards(self).pop(arn, None)
            if subscription is None:
                raise JsonRESTError("ResourceNotFoundException", f"Subscription {arn} not found")
            removed.append({**subscription, "StandardsStatus": "DELETING"})
        return json.dumps({"StandardsSubscriptions": removed})

    sh_models.SecurityHubBackend.describe_hub = describe_hub
    SecurityHubResponse.update_security_hub_configuration = update_security_hub_configuration
    SecurityHubResponse.batch_enable_standards = batch_enable_standards
    SecurityHubResponse.get_enabled_standards = get_enabled_standards
    SecurityHubResponse.batch_disable_standards = batch_disable_standards
    APPLIED.append("securityhub: hub configuration and standards subscriptions (controls not evaluated)")


# Gap 11 (CloudTrail): StartLogging and StopLogging look the trail up by name only, so
# the provider's call with the trail ARN (what AWS accepts, and what the provider sends)
# fails with KeyError (HTTP 500) and the trail is left tainted. Look it up by name or ARN.
def _patch_cloudtrail_logging_by_arn() -> None:
    from moto.cloudtrail import models as ct_models

    def start_logging(self: Any, name: str) -> None:
        self.get_trail(name).start_logging()

    def stop_logging(self: Any, name: str) -> None:
        self.get_trail(name).stop_logging()

    ct_models.CloudTrailBackend.start_logging = start_logging
    ct_models.CloudTrailBackend.stop_logging = stop_logging
    APPLIED.append("cloudtrail: StartLogging/StopLogging accept the trail ARN")


# Gap 12 (S3): PutBucketLogging checks the target bucket's policy for a grant to
# logging.s3.amazonaws.com, but reads every statement's Principal as an object; a
# statement with "Principal": "*" (the usual "deny insecure transport") makes it fail
# with AttributeError (HTTP 500). A string principal is simply not the logging service.
def _patch_s3_logging_policy_principal() -> None:
    from moto.s3 import models as s3_models

    bucket_cls = s3_models.FakeBucket
    check = bucket_cls._log_permissions_enabled_policy

    def log_permissions_enabled_policy(target_bucket: Any, target_prefix: str | None) -> bool:
        policy = target_bucket.policy
        if not policy:
            return False
        document = json.loads(policy.decode())
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        usable = [st for st in statements if isinstance(st.get("Principal"), dict)]
        shadow = type("Bucket", (), {})()
        shadow.policy = json.dumps({**document, "Statement": usable}).encode()
        shadow.partition = target_bucket.partition
        shadow.name = target_bucket.name
        return check(shadow, target_prefix)

    bucket_cls._log_permissions_enabled_policy = staticmethod(log_permissions_enabled_policy)
    APPLIED.append('s3: PutBucketLogging reads target bucket policies with "Principal": "*"')


# Gap 13 (GuardDuty): UpdateDetector replaces the detector's feature list with the one
# given, so each `aws_guardduty_detector_feature` (one feature per call, as the provider
# sends it) erased the others and the next plan re-created them. AWS updates only the
# features named in the call; so do we.
def _patch_guardduty_feature_merge() -> None:
    from moto.guardduty import models as gd_models

    original_update = gd_models.Detector.update

    def update(self: Any, enable: Any, frequency: Any, data_sources: Any, features: Any) -> None:
        if features is not None:
            merged = {f.get("name") or f.get("Name"): f for f in (self.features or [])}
            for feature in features:
                merged[feature.get("name") or feature.get("Name")] = feature
            features = list(merged.values())
        original_update(self, enable, frequency, data_sources, features)

    gd_models.Detector.update = update
    APPLIED.append("guardduty: UpdateDetector merges features by name")


# Gap 14 (Backup): ListTags reads the resource ARN from the second-to-last path segment,
# which is right only with a trailing slash; the provider calls GET /tags/<arn> without
# one, so every vault and plan read back no tags and every plan showed tags_all drift.
# AWS returns the resource's tags; so do we.
def _patch_backup_list_tags() -> None:
    from urllib.parse import unquote

    from moto.backup.responses import BackupResponse

    def list_tags(self: Any) -> str:
        resource_arn = unquote(self.path.split("?")[0].split("/tags/", 1)[1].rstrip("/"))
        return json.dumps({"Tags": self.backup_backend.list_tags(resource_arn=resource_arn)})

    BackupResponse.list_tags = list_tags
    APPLIED.append("backup: ListTags reads the ARN with or without a trailing slash")


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
    _patch_subnet_group_delete,
    _patch_s3_lifecycle_newer_noncurrent_versions,
    _patch_s3_conditional_bucket_policy,
    _patch_security_group_rule_description,
    _patch_backup_selections,
    _patch_conformance_packs,
    _patch_securityhub_standards,
    _patch_cloudtrail_logging_by_arn,
    _patch_s3_logging_policy_principal,
    _patch_guardduty_feature_merge,
    _patch_backup_list_tags,
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
    for patch in PATCHES:
        patch()
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

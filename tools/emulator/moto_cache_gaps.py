"""Extensions of moto 5.2.1 for ElastiCache: subnet group deletion and RBAC (the cache's
IAM-authenticated user and its user group), loaded by moto_server_ext.py. Each patch closes
one gap that made the unchanged synthesized stacks fail to apply on the emulator, makes the
emulator answer the way AWS answers, and adds its one-line description to the list of
applied extensions.
"""

from __future__ import annotations

from typing import Any, Callable

from moto.core.responses import ActionResult, EmptyResult
from moto.elasticache import models as ec_models
from moto.elasticache.exceptions import ElastiCacheException
from moto.elasticache.responses import ElastiCacheResponse


# --------------------------------------------------------------------------------------
# Gap 8 (ElastiCache RBAC): user groups are not implemented (CreateUserGroup,
# DescribeUserGroups, ModifyUserGroup, DeleteUserGroup answer HTTP 500), so the
# platform's `aws_elasticache_user_group` (IAM-authenticated Redis) cannot be created,
# and ListTagsForResource rejects user-group ARNs. A minimal, in-memory implementation
# that answers as AWS does: a group needs existing users of its engine and exactly one
# user named "default" (DefaultUserRequired), is "active" at once, reports the
# replication groups that use it, and cannot be deleted while one does
# (InvalidUserGroupState). Users themselves are moto's own (CreateUser exists).
# --------------------------------------------------------------------------------------
# moto picks an error's wire format from its class's module: a module named moto* must be
# one of moto's services (moto_cache_gaps is not, and the error became an HTTP 500).
_ERRORS_MODULE = "moto.elasticache.exceptions"


class UserGroupNotFound(ElastiCacheException):
    __module__ = _ERRORS_MODULE
    code = "UserGroupNotFound"

    def __init__(self, group_id: str):
        super().__init__(f"User group {group_id} not found.")


class UserGroupAlreadyExists(ElastiCacheException):
    __module__ = _ERRORS_MODULE
    code = "UserGroupAlreadyExists"

    def __init__(self, group_id: str):
        super().__init__(f"User group {group_id} already exists.")


class DefaultUserRequired(ElastiCacheException):
    __module__ = _ERRORS_MODULE
    code = "DefaultUserRequired"

    def __init__(self) -> None:
        super().__init__("A user with the username default must be present in the user group.")


class InvalidUserGroupState(ElastiCacheException):
    __module__ = _ERRORS_MODULE
    code = "InvalidUserGroupState"

    def __init__(self, group_id: str, replication_groups: list[str]) -> None:
        super().__init__(
            f"User group {group_id} is in use by replication group(s) {', '.join(replication_groups)}."
        )


def _user_groups(backend: Any) -> dict[str, dict[str, Any]]:
    return backend.__dict__.setdefault("ext_user_groups", {})


def _user_group(backend: Any, group_id: str | None) -> dict[str, Any]:
    group = _user_groups(backend).get(group_id or "")
    if group is None:
        raise UserGroupNotFound(group_id or "")
    return group


def _check_user_group_members(backend: Any, user_ids: list[str]) -> None:
    from moto.elasticache.exceptions import UserNotFound

    for user_id in user_ids:
        if user_id not in backend.users:
            raise UserNotFound(user_id)
    if [backend.users[u].name for u in user_ids].count("default") != 1:
        raise DefaultUserRequired()


def _user_group_answer(backend: Any, group: dict[str, Any]) -> dict[str, Any]:
    in_use = [
        rg_id
        for rg_id, rg in backend.replication_groups.items()
        if group["UserGroupId"] in (getattr(rg, "user_group_ids", None) or [])
    ]
    return {**group, "ReplicationGroups": in_use}


def _patch_user_groups(applied: list[str]) -> None:
    previous_init = ec_models.ElastiCacheBackend.__init__

    def backend_init(self: Any, region_name: str, account_id: str) -> None:
        previous_init(self, region_name, account_id)
        # Accept user-group ARNs (and the parameter-group ones of gap 3) in tagging calls.
        self.arn_regex = ec_models.re_compile(
            r"^arn:aws:elasticache:.*:[0-9]*:(cluster|snapshot|subnetgroup|replicationgroup|user|usergroup|parametergroup):.*$"
        )

    ec_models.ElastiCacheBackend.__init__ = backend_init

    def create_user_group(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        group_id = self._get_param("UserGroupId")
        groups = _user_groups(backend)
        if group_id in groups:
            raise UserGroupAlreadyExists(group_id)
        user_ids = list(self._get_param("UserIds", []) or [])
        _check_user_group_members(backend, user_ids)
        arn = f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:usergroup:{group_id}"
        groups[group_id] = {
            "UserGroupId": group_id,
            "Status": "active",
            "Engine": (self._get_param("Engine") or "redis").lower(),
            "UserIds": user_ids,
            "MinimumEngineVersion": "6.0",
            "ARN": arn,
        }
        tags = self._get_param("Tags", [])
        if tags:
            backend.tagging_service.tag_resource(arn, tags)
        return ActionResult(_user_group_answer(backend, groups[group_id]))

    def describe_user_groups(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        group_id = self._get_param("UserGroupId")
        found = [_user_group(backend, group_id)] if group_id else list(_user_groups(backend).values())
        return ActionResult({"UserGroups": [_user_group_answer(backend, g) for g in found]})

    def modify_user_group(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        group = _user_group(backend, self._get_param("UserGroupId"))
        remove = set(self._get_param("UserIdsToRemove", []) or [])
        user_ids = [u for u in group["UserIds"] if u not in remove]
        user_ids += [u for u in self._get_param("UserIdsToAdd", []) or [] if u not in user_ids]
        _check_user_group_members(backend, user_ids)
        group["UserIds"] = user_ids
        return ActionResult(_user_group_answer(backend, group))

    def delete_user_group(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        group_id = self._get_param("UserGroupId")
        group = _user_group_answer(backend, _user_group(backend, group_id))
        if group["ReplicationGroups"]:
            raise InvalidUserGroupState(group_id, group["ReplicationGroups"])
        backend.tagging_service.delete_all_tags_for_resource(group["ARN"])
        del _user_groups(backend)[group_id]
        return ActionResult({**group, "Status": "deleting"})

    for handler in (create_user_group, describe_user_groups, modify_user_group, delete_user_group):
        setattr(ElastiCacheResponse, handler.__name__, handler)
    applied.append("elasticache: RBAC user groups (create/describe/modify/delete, tagging)")


# --------------------------------------------------------------------------------------
# Gap 9 (ElastiCache): ModifyReplicationGroup is not implemented (HTTP 500), so any
# in-place change of an `aws_elasticache_replication_group` fails, among them the
# move from an AUTH token to an RBAC user group (UserGroupIdsToAdd/Remove) and a new
# parameter group after a family change. A minimal implementation of the settings the
# platform changes in place; the group stays "available" as AWS reports it once the
# change is applied. Anything else it is sent is accepted and ignored (not modelled).
# --------------------------------------------------------------------------------------
def _patch_modify_replication_group(applied: list[str]) -> None:
    from moto.elasticache.exceptions import ReplicationGroupNotFound

    scalar_settings = {
        "CacheParameterGroupName": "cache_parameter_group_name",
        "SnapshotWindow": "snapshot_window",
        "PreferredMaintenanceWindow": "preferred_maintenance_window",
        "SnapshotRetentionLimit": "snapshot_retention_limit",
        "Description": "description",
        "ReplicationGroupDescription": "description",
    }

    def modify_replication_group(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        group_id = self._get_param("ReplicationGroupId")
        group = backend.replication_groups.get(group_id)
        if group is None:
            raise ReplicationGroupNotFound(group_id)
        for param, attribute in scalar_settings.items():
            value = self._get_param(param)
            if value is not None:
                setattr(group, attribute, value)
        security_groups = self._get_param("SecurityGroupIds")
        if security_groups:
            group.security_group_ids = list(security_groups)
        user_group_ids = list(getattr(group, "user_group_ids", None) or [])
        for removed in self._get_param("UserGroupIdsToRemove", []) or []:
            if removed in user_group_ids:
                user_group_ids.remove(removed)
        for added in self._get_param("UserGroupIdsToAdd", []) or []:
            _user_group(backend, added)
            if added not in user_group_ids:
                user_group_ids.append(added)
        group.user_group_ids = user_group_ids
        if self._get_param("AuthTokenUpdateStrategy") == "DELETE":
            group.auth_token_enabled = False
        return ActionResult({"ReplicationGroup": group})

    ElastiCacheResponse.modify_replication_group = modify_replication_group
    applied.append("elasticache: ModifyReplicationGroup (user groups, parameter group, windows, retention)")


# --------------------------------------------------------------------------------------
# Gap 4 (ElastiCache): DeleteCacheSubnetGroup is not implemented (HTTP 500), so destroy
# of an `aws_elasticache_subnet_group` fails. AWS deletes the group; so do we.
# --------------------------------------------------------------------------------------
def _patch_subnet_group_delete(applied: list[str]) -> None:
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
    applied.append("elasticache: DeleteCacheSubnetGroup")


CACHE_PATCHES: list[Callable[[list[str]], None]] = [
    _patch_subnet_group_delete,
    _patch_user_groups,
    _patch_modify_replication_group,
]

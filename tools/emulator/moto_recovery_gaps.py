"""Extensions of moto 5.2.1 found by `npm run recover` (the way back after a killed apply:
orphaned resources are imported into the state with Terraform import blocks, then Terraform
updates them), loaded by moto_server_ext.py. An import reads a resource as a refresh does and
the update that follows calls the Modify* APIs a fresh deploy never calls; each patch closes
one gap on that path, answers the way AWS answers, refuses what the AWS page says AWS refuses,
and adds its one-line description to the list of applied extensions. Pure decisions
(user_modification, subnet_group_change) are tested without a server in test_moto_rules.py.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from moto.core.responses import ActionResult
from moto.elasticache import models as ec_models
from moto.elasticache.exceptions import (
    CacheSubnetGroupNotFound,
    ElastiCacheException,
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    UserNotFound,
)
from moto.elasticache.responses import ElastiCacheResponse

from moto_cache_gaps import _user_groups  # noqa: E402  (sibling module, same folder)

# moto picks an error's wire format from its class's module: a module named moto* must be
# one of moto's services (see moto_cache_gaps.py).
_ERRORS_MODULE = "moto.elasticache.exceptions"


class Refused(Exception):
    """A refusal decided by a pure function: AWS's error code and our message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class InvalidUserState(ElastiCacheException):
    __module__ = _ERRORS_MODULE
    code = "InvalidUserState"

    def __init__(self, user_id: str, status: str) -> None:
        super().__init__(f"User {user_id} is not in active state (it is {status}).")


class DefaultUserAssociatedToUserGroup(ElastiCacheException):
    __module__ = _ERRORS_MODULE
    code = "DefaultUserAssociatedToUserGroup"

    def __init__(self, user_id: str, group_ids: list[str]) -> None:
        super().__init__(
            f"User {user_id} is the default user of user group(s) {', '.join(group_ids)}; "
            "a user group needs its default user."
        )


class SubnetInUse(ElastiCacheException):
    __module__ = _ERRORS_MODULE
    code = "SubnetInUse"


class InvalidSubnetRefused(ElastiCacheException):
    __module__ = _ERRORS_MODULE
    code = "InvalidSubnet"


class CacheSubnetGroupInUse(ElastiCacheException):
    __module__ = _ERRORS_MODULE
    code = "CacheSubnetGroupInUse"

    def __init__(self, name: str, users: list[str]) -> None:
        super().__init__(f"Cache subnet group {name} is currently in use by {', '.join(users)}.")


def _raise(refusal: Refused) -> None:
    if refusal.code == "InvalidParameterCombination":
        raise InvalidParameterCombinationException(refusal.message)
    if refusal.code == "InvalidParameterValue":
        raise InvalidParameterValueException(refusal.message)
    if refusal.code == "InvalidSubnet":
        raise InvalidSubnetRefused(refusal.message)
    raise SubnetInUse(refusal.message)


# --------------------------------------------------------------------------------------
# Gap 28 (ElastiCache): ModifyUser is not implemented (HTTP 500). After an
# `aws_elasticache_user` is imported, the provider's Read sets neither
# `no_password_required` nor `passwords`, so the first plan updates the user in place and
# the update calls ModifyUser (UserId with NoPasswordRequired, and AccessString /
# AuthenticationMode when they differ); then its waiter (waitUserUpdated: pending
# "modifying", target "active") polls DescribeUsers. AWS
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyUser.html)
# takes UserId, AccessString, AppendAccessString, Passwords (up to two), NoPasswordRequired,
# AuthenticationMode {Type: password | no-password-required | iam, Passwords} and Engine
# (valkey or redis), answers the User ("Status ... active, modifying or deleting") and
# refuses with UserNotFound (404), InvalidUserState, InvalidParameterValue and
# InvalidParameterCombination (400). The combinations refused are the ones AWS's CreateUser
# refuses (moto's own create_user carries them): passwords given twice, passwords with
# NoPasswordRequired or with an iam / no-password-required mode, NoPasswordRequired with a
# password / iam mode, a password mode without a password; and, as the page allows,
# more than two passwords, a password outside 16-128 characters, an unknown type or engine.
# NoPasswordRequired=false without passwords (what the provider adds to the first update of
# an imported iam user, measured) changes nothing; on a no-password user it is refused with
# moto's PasswordRequired message. The answer says "modifying"; the first DescribeUsers after it says
# "modifying" too and the next one "active", so the provider's waiter sees both states
# and a second ModifyUser before the change is done is refused (InvalidUserState).
# --------------------------------------------------------------------------------------
AUTHENTICATION_TYPES = ("password", "no-password-required", "iam")
USER_ENGINES = ("redis", "valkey")
PASSWORD_LENGTH = (16, 128)
MAX_PASSWORDS = 2
# moto's PasswordRequired message, for a no-password user left without a password.
PASSWORD_REQUIRED = (
    "No password was provided. If you want to create/update the user without password, "
    "please use the NoPasswordRequired flag."
)


def user_modification(
    current_type: str,
    engine: str | None = None,
    passwords: list[str] | None = None,
    no_password_required: bool | None = None,
    mode: dict[str, Any] | None = None,
) -> tuple[str, list[str]] | None:
    """The user's authentication after ModifyUser: (answered type, passwords), None when it
    stays as it is. current_type is the type DescribeUsers answers (password, no-password,
    iam). Raises Refused with AWS's error code for what AWS refuses."""
    if engine is not None and engine.lower() not in USER_ENGINES:
        raise Refused("InvalidParameterValue", f'Unknown parameter for Engine: "{engine}", must be one of: redis, valkey')
    mode_type = (mode or {}).get("Type")
    if mode is not None and mode_type not in AUTHENTICATION_TYPES:
        raise Refused(
            "InvalidParameterValue",
            f"Input Authentication type: {mode_type} is not in the allowed list: [password,no-password-required,iam]",
        )
    mode_passwords = list((mode or {}).get("Passwords") or [])
    if passwords and mode_passwords:
        raise Refused("InvalidParameterCombination", "Passwords provided via multiple arguments. Use only one argument")
    given = list(passwords or mode_passwords)
    if len(given) > MAX_PASSWORDS:
        raise Refused("InvalidParameterValue", f"A user can have at most {MAX_PASSWORDS} passwords.")
    if any(not PASSWORD_LENGTH[0] <= len(p) <= PASSWORD_LENGTH[1] for p in given):
        raise Refused("InvalidParameterValue", "Passwords length must be between 16-128 characters.")
    if no_password_required and given:
        raise Refused("InvalidParameterCombination", "No password required flag is true but passwords are provided")
    if no_password_required and mode_type in ("password", "iam"):
        raise Refused(
            "InvalidParameterCombination",
            f"No password required flag is true but provided authentication type is {mode_type}",
        )
    if mode_type in ("iam", "no-password-required") and given:
        raise Refused("InvalidParameterCombination", f"Password field is not allowed with authentication type: {mode_type}")
    if mode_type == "password" and not given:
        raise Refused(
            "InvalidParameterCombination", "A user with Authentication Mode: password, must have at least one password"
        )
    if mode_type == "iam":
        return ("iam", [])
    if mode_type == "no-password-required" or no_password_required:
        return ("no-password", [])
    if given:
        return ("password", given)
    if no_password_required is False and current_type == "no-password":
        raise Refused("InvalidParameterValue", PASSWORD_REQUIRED)
    return None


def _answered_type(user: Any) -> str:
    if user.no_password_required or user.authentication_type == "no-password-required":
        return "no-password"
    return user.authentication_type


def _patch_modify_user(applied: list[str]) -> None:
    # moto answers a user created with AuthenticationMode no-password-required (and
    # NoPasswordRequired unset) as Type "no-password-required"; AWS answers "no-password"
    # (Authentication.Type: password | no-password | iam).
    def authentication(self: Any) -> dict[str, Any]:
        return {"Type": _answered_type(self), "PasswordCount": len(self.passwords) if self.passwords else None}

    ec_models.User.authentication = property(authentication)

    def modify_user(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        params = self._get_params()
        user_id = params.get("UserId") or ""
        user = backend.users.get(user_id)
        if user is None:
            raise UserNotFound(user_id)
        if user.status != "active":
            raise InvalidUserState(user_id, user.status)
        try:
            change = user_modification(
                _answered_type(user),
                engine=params.get("Engine"),
                passwords=params.get("Passwords"),
                no_password_required=self._get_bool_param("NoPasswordRequired"),
                mode=params.get("AuthenticationMode"),
            )
        except Refused as refusal:
            _raise(refusal)
        access = params.get("AccessString")
        if access is not None:
            user.access_string = access
        append = params.get("AppendAccessString")
        if append is not None:
            user.access_string = f"{user.access_string} {append}".strip()
        if params.get("Engine"):
            user.engine = params["Engine"].lower()
        if change is not None:
            answered, passwords = change
            user.authentication_type = "no-password-required" if answered == "no-password" else answered
            user.no_password_required = answered == "no-password"
            user.passwords = passwords
        user.status = "modifying"
        user.ext_modify_reported = False
        return ActionResult(user)

    ElastiCacheResponse.modify_user = modify_user

    original_describe = ec_models.ElastiCacheBackend.describe_users

    def describe_users(self: Any, user_id: str | None) -> list[Any]:
        users = original_describe(self, user_id)
        for user in users:
            if user.status == "modifying":
                if getattr(user, "ext_modify_reported", True):
                    user.status = "active"
                else:
                    user.ext_modify_reported = True
        return users

    ec_models.ElastiCacheBackend.describe_users = describe_users
    applied.append("elasticache: ModifyUser (access string, passwords, authentication mode; modifying, then active)")


# --------------------------------------------------------------------------------------
# Gap 29 (ElastiCache): a user and its user groups disagree. moto answers every user with
# UserGroupIds [] (its user groups are ours, gap 8), and DeleteUser leaves the deleted user
# in its groups, so DescribeUserGroups lists a user that no longer exists. AWS answers "the
# user group IDs the user belongs to"
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_User.html) and
# "The user will be removed from all user groups" on DeleteUser, refusing the default user
# of a user group (DefaultUserAssociatedToUserGroup, 400)
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteUser.html).
# --------------------------------------------------------------------------------------
def _groups_of(backend: Any, user_id: str) -> list[str]:
    return sorted(gid for gid, group in _user_groups(backend).items() if user_id in group["UserIds"])


def _patch_user_group_membership(applied: list[str]) -> None:
    def user_group_ids(self: Any) -> list[str]:
        account_id = self.arn.split(":")[4]
        return _groups_of(ec_models.elasticache_backends[account_id][self.region], self.id)

    def ignore(self: Any, value: Any) -> None:  # User.__init__ assigns []: derived instead
        pass

    ec_models.User.user_group_ids = property(user_group_ids, ignore)

    original_delete = ec_models.ElastiCacheBackend.delete_user

    def delete_user(self: Any, user_id: str) -> Any:
        user = self.users.get(user_id)
        if user is not None and user.status == "active":
            groups = _groups_of(self, user_id)
            if groups and user.name == "default":
                raise DefaultUserAssociatedToUserGroup(user_id, groups)
            for group_id in groups:
                _user_groups(self)[group_id]["UserIds"].remove(user_id)
        return original_delete(self, user_id)

    ec_models.ElastiCacheBackend.delete_user = delete_user
    applied.append("elasticache: users answer their UserGroupIds; DeleteUser leaves its groups (not as a group's default user)")


# --------------------------------------------------------------------------------------
# Gap 30 (ElastiCache): ModifyCacheSubnetGroup is not implemented (HTTP 500), so an
# imported (or any) `aws_elasticache_subnet_group` cannot change its description or
# subnets; and moto answers each subnet's SubnetAvailabilityZone as {} (it keeps the zone
# as a bare string where the shape has {Name}). AWS
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyCacheSubnetGroup.html)
# changes CacheSubnetGroupDescription and SubnetIds (the group name "is stored as a
# lowercase string") and answers the CacheSubnetGroup; it refuses a group that does not
# exist (CacheSubnetGroupNotFoundFault), "an invalid subnet identifier" (InvalidSubnet: a
# subnet that does not exist, or subnets of two VPCs, which CreateCacheSubnetGroup refuses
# too) and a subnet in use (SubnetInUse). A subnet may be in several subnet groups
# (CreateCacheSubnetGroup lists no SubnetInUse), so "in use" is a subnet the group's
# caches have nodes in: removing the last subnet of a zone where a cache cluster of the
# group has its node is refused; moving a group in use to another VPC is InvalidSubnet.
# DeleteCacheSubnetGroup of a group a cache cluster uses is CacheSubnetGroupInUse
# (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheSubnetGroup.html).
# --------------------------------------------------------------------------------------
def subnet_group_change(
    requested: list[str],
    known: dict[str, tuple[str, str]],
    current_vpc: str | None,
    node_zones: Iterable[str],
) -> None:
    """Refuses a new subnet list as AWS does. known: subnet id -> (VPC id, zone) of the
    subnets that exist; node_zones: the zones where caches of the group have nodes (empty
    when no cache uses it). Raises Refused."""
    for subnet_id in requested:
        if subnet_id not in known:
            raise Refused("InvalidSubnet", f"Subnet {subnet_id} does not exist.")
    vpcs = {known[s][0] for s in requested}
    if len(vpcs) > 1:
        raise Refused("InvalidSubnet", f"The subnets are in more than one VPC: {', '.join(sorted(vpcs))}.")
    zones = sorted(set(node_zones))
    if zones and current_vpc and vpcs != {current_vpc}:
        raise Refused("InvalidSubnet", f"The subnet group is in use in {current_vpc}; its subnets must stay in it.")
    covered = {known[s][1] for s in requested}
    for zone in zones:
        if zone not in covered:
            raise Refused("SubnetInUse", f"A cache node of this subnet group is in {zone}; keep a subnet there.")


def _zone_name(zone: Any) -> str | None:
    return zone.get("Name") if isinstance(zone, dict) else zone


def _group_users(backend: Any, name: str) -> dict[str, str | None]:
    """Cache clusters of the subnet group (not being deleted) -> the zone of their node."""
    return {
        cluster_id: cluster.preferred_availability_zone
        for cluster_id, cluster in backend.cache_clusters.items()
        if cluster.cache_subnet_group_name == name and cluster.cache_cluster_status != "deleting"
    }


def _patch_modify_cache_subnet_group(applied: list[str]) -> None:
    from moto.ec2.models import ec2_backends

    original_init = ec_models.CacheSubnetGroup.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        for subnet in self.subnets:
            zone = _zone_name(subnet.pop("Subnet_availability_zone", None) or subnet.get("subnet_availability_zone"))
            subnet["subnet_availability_zone"] = {"Name": zone} if zone else {}

    ec_models.CacheSubnetGroup.__init__ = init

    def modify_cache_subnet_group(self: Any) -> ActionResult:
        backend = self.elasticache_backend
        name = self._get_param("CacheSubnetGroupName") or ""
        key = name if name in backend.cache_subnet_groups else name.lower()
        group = backend.cache_subnet_groups.get(key)
        if group is None:
            raise CacheSubnetGroupNotFound(name)
        subnet_ids = self._get_param("SubnetIds")
        if subnet_ids:
            ec2 = ec2_backends[backend.account_id][backend.region_name]
            known = {
                subnet.id: (subnet.vpc_id, subnet.availability_zone)
                for subnet in ec2.describe_subnets()
            }
            zones = [z for z in _group_users(backend, key).values() if z]
            try:
                subnet_group_change(list(subnet_ids), known, group.vpc_id, zones)
            except Refused as refusal:
                _raise(refusal)
            rebuilt = ec_models.CacheSubnetGroup(
                account_id=backend.account_id,
                region_name=backend.region_name,
                cache_subnet_group_name=group.cache_subnet_group_name,
                cache_subnet_group_description=group.cache_subnet_group_description,
                subnet_ids=list(subnet_ids),
                tags=group.tags,
            )
            group.subnet_ids = rebuilt.subnet_ids
            group.subnets = rebuilt.subnets
            group.supported_network_types = rebuilt.supported_network_types
            group.vpc_id = rebuilt.vpc_id
        description = self._get_param("CacheSubnetGroupDescription")
        if description is not None:
            group.cache_subnet_group_description = description
        return ActionResult({"CacheSubnetGroup": group})

    ElastiCacheResponse.modify_cache_subnet_group = modify_cache_subnet_group

    delete_before = ElastiCacheResponse.delete_cache_subnet_group  # gap 4's

    def delete_cache_subnet_group(self: Any) -> Any:
        name = self._get_param("CacheSubnetGroupName") or ""
        users = sorted(_group_users(self.elasticache_backend, name))
        if users:
            raise CacheSubnetGroupInUse(name, users)
        return delete_before(self)

    ElastiCacheResponse.delete_cache_subnet_group = delete_cache_subnet_group
    applied.append(
        "elasticache: ModifyCacheSubnetGroup (description, subnets; InvalidSubnet, SubnetInUse), "
        "subnet zones answered, DeleteCacheSubnetGroup refuses a group in use"
    )


# --------------------------------------------------------------------------------------
# Gap 31 (EC2): DeleteSubnet keeps the subnet's route table association, so
# DescribeRouteTables lists an association with a subnet that no longer exists and
# DeleteRouteTable is refused (DependencyViolation: "has dependencies") until someone
# disassociates an id that points nowhere; `npm run recover` found such a route table
# after a killed apply. On AWS an association is the subnet's link to its one route table
# ("A subnet can only be associated with one route table at a time",
# https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html); DeleteSubnet
# asks only that nothing runs in the subnet ("You must terminate all running instances in
# the subnet before you can delete the subnet",
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html), not that
# it be disassociated first, and the association goes with the subnet. DeleteSubnet here drops the subnet's associations from every
# route table (and moto's CloudFormation association records of it).
# --------------------------------------------------------------------------------------
def _patch_delete_subnet_associations(applied: list[str]) -> None:
    from moto.ec2.models.subnets import SubnetBackend

    original_delete = SubnetBackend.delete_subnet

    def delete_subnet(self: Any, subnet_id: str) -> Any:
        subnet = original_delete(self, subnet_id)
        for route_table in getattr(self, "route_tables", {}).values():
            for association_id, target in list(route_table._associations.items()):
                if target == subnet_id:
                    del route_table._associations[association_id]
        associations = getattr(self, "subnet_associations", {})
        for key in [k for k in associations if k.endswith(f":{subnet_id}")]:
            del associations[key]
        return subnet

    SubnetBackend.delete_subnet = delete_subnet
    applied.append("ec2: DeleteSubnet removes the subnet's route table associations")


# --------------------------------------------------------------------------------------
# Gap 32 (RDS): ModifyDBInstance with ManageMasterUserPassword=true on an instance that
# already manages its master password makes a new Secrets Manager secret (a new ARN) and
# leaves the old one behind. hashicorp/aws 5.100's Read does not set
# `manage_master_user_password` (nor `master_user_secret_kms_key_id`), so after an import
# the first plan updates both and the update sends exactly that call (measured: the
# imported instance's MasterUserSecret.SecretArn changed; anything holding the old ARN then
# read a secret RDS no longer rotates). AWS turns management on only for an instance "that
# doesn't manage the master user password"; for one that does, MasterUserSecretKmsKeyId
# changes "the KMS key used to encrypt the secret" and the secret stays; and it refuses
# ManageMasterUserPassword=true with a MasterUserPassword (moto accepted both): "Can't
# manage the master user password with AWS Secrets Manager if MasterUserPassword is
# specified" (InvalidParameterCombination, 400)
# (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html).
# --------------------------------------------------------------------------------------
def _patch_keep_master_user_secret(applied: list[str]) -> None:
    from moto.rds.exceptions import InvalidParameterCombination
    from moto.rds.models import DBInstance

    original_update = DBInstance.update

    def update(
        self: Any,
        manage_master_user_password: bool | None = None,
        master_user_secret_kms_key_id: str | None = None,
        rotate_master_user_password: bool | None = None,
        **db_kwargs: Any,
    ) -> None:
        if manage_master_user_password is True and db_kwargs.get("master_user_password"):
            raise InvalidParameterCombination(
                "Can't manage the master user password with AWS Secrets Manager if MasterUserPassword is specified."
            )
        secret = getattr(self, "master_user_secret", None)
        if manage_master_user_password is True and secret is not None:
            if master_user_secret_kms_key_id:
                secret.secret.kms_key_id = master_user_secret_kms_key_id
            manage_master_user_password = None
            master_user_secret_kms_key_id = None
        original_update(
            self,
            manage_master_user_password=manage_master_user_password,
            master_user_secret_kms_key_id=master_user_secret_kms_key_id,
            rotate_master_user_password=rotate_master_user_password,
            **db_kwargs,
        )

    DBInstance.update = update
    applied.append(
        "rds: ModifyDBInstance keeps the master user secret of an instance that already manages it "
        "(and refuses a MasterUserPassword with ManageMasterUserPassword)"
    )


RECOVERY_PATCHES: list[Callable[[list[str]], None]] = [
    _patch_modify_user,
    _patch_user_group_membership,
    _patch_modify_cache_subnet_group,
    _patch_delete_subnet_associations,
    _patch_keep_master_user_secret,
]

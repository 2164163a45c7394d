"""Refusal rules: calls AWS refuses and moto 5.2.1 accepts, loaded by moto_server_ext.py.

An emulator that accepts what AWS refuses lets a deploy pass here and fail on AWS, so each
rule below makes the emulator refuse what AWS documents it refuses, with AWS's error code
(and AWS's message where one is known), and cites the AWS page. Valid calls are left to
moto. Rules R3 (Lambda's unreserved concurrency) and R10 (Elastic IPs) live with the quotas
they read (moto_quota_gaps.py), R8 (PostgreSQL versions) with the versions
(moto_rds_engine_gaps.py). docs/e2e.md lists every rule with its AWS page and its test
(tools/emulator-test/*.emulator.test.ts).
"""

from __future__ import annotations

from typing import Any, Callable


# --------------------------------------------------------------------------------------
# Rule R1 (Config): PutDeliveryChannel accepts any bucket name (moto checks only that it is
# not empty). AWS checks the bucket exists first ("Before AWS Config can deliver logs to
# your Amazon S3 bucket AWS Config checks whether the bucket exists",
# https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html) and
# answers NoSuchBucketException
# (https://docs.aws.amazon.com/config/latest/APIReference/API_PutDeliveryChannel.html);
# and "AWS Config does not support the delivery channel to an Amazon S3 bucket where object
# lock is enabled"
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html).
# AWS documents no error code of its own for the Object Lock case; we answer the one
# PutDeliveryChannel documents for a bucket Config cannot deliver to,
# InsufficientDeliveryPolicyException (HTTP 400).
# --------------------------------------------------------------------------------------
def _rule_config_delivery_bucket(applied: list[str]) -> None:
    from moto.config.models import ConfigBackend
    from moto.core.exceptions import JsonRESTError
    from moto.s3.exceptions import MissingBucket
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    original_put = ConfigBackend.put_delivery_channel

    def put_delivery_channel(self: Any, delivery_channel: dict[str, Any]) -> None:
        name = delivery_channel.get("s3BucketName")
        if self.recorders and name:
            try:
                bucket = s3_backends[self.account_id][get_partition(self.region_name)].get_bucket(name)
            except MissingBucket:
                raise JsonRESTError("NoSuchBucketException", f"Cannot find a S3 bucket with name {name}.")
            if bucket.object_lock_enabled:
                raise JsonRESTError(
                    "InsufficientDeliveryPolicyException",
                    f"Insufficient delivery policy to s3 bucket: {name}, unable to write to bucket: "
                    "AWS Config does not support delivery to an Amazon S3 bucket where Object Lock is enabled.",
                )
        original_put(self, delivery_channel)

    ConfigBackend.put_delivery_channel = put_delivery_channel
    applied.append("config: PutDeliveryChannel refuses a missing bucket and an Object Lock bucket (rule R1)")


# --------------------------------------------------------------------------------------
# Rule R2 (EC2): CreateSubnet accepts any prefix inside the VPC (/29 and /32 are created,
# /30 crashes moto with StopIteration, HTTP 500). AWS: "The allowed size for an IPv4 subnet
# is between a /28 netmask (16 IP addresses) and a /16 netmask (65,536 IP addresses)"
# (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html), and an
# invalid subnet CIDR is InvalidSubnet.Range
# (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
# --------------------------------------------------------------------------------------
SUBNET_PREFIX_RANGE = (16, 28)


def subnet_prefix_allowed(cidr_block: str) -> bool:
    import ipaddress

    try:
        prefix = ipaddress.IPv4Network(cidr_block, strict=False).prefixlen
    except ValueError:
        return True  # not a CIDR at all: moto's own InvalidParameterValue answers it
    return SUBNET_PREFIX_RANGE[0] <= prefix <= SUBNET_PREFIX_RANGE[1]


def _rule_subnet_size(applied: list[str]) -> None:
    from moto.ec2.exceptions import InvalidSubnetRangeError
    from moto.ec2.models.subnets import SubnetBackend

    original_create = SubnetBackend.create_subnet

    def create_subnet(self: Any, vpc_id: str, cidr_block: str, *args: Any, **kwargs: Any) -> Any:
        if cidr_block and not subnet_prefix_allowed(cidr_block):
            raise InvalidSubnetRangeError(cidr_block)
        return original_create(self, vpc_id, cidr_block, *args, **kwargs)

    SubnetBackend.create_subnet = create_subnet
    applied.append("ec2: CreateSubnet refuses a prefix outside /16-/28 (rule R2)")


# --------------------------------------------------------------------------------------
# Rule R4 (GuardDuty): CreateDetector makes a second detector in an account and region that
# already has one; `data "aws_guardduty_detector"` then fails ("too many results"). AWS: "You
# can have only one detector per account per Region"
# (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html) and
# answers BadRequestException "The request is rejected because a detector already exists for
# the current account." (HTTP 400, as AWS answers it: hashicorp/terraform-provider-aws#11780).
# --------------------------------------------------------------------------------------
def _rule_guardduty_one_detector(applied: list[str]) -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.guardduty.models import GuardDutyBackend

    original_create = GuardDutyBackend.create_detector

    def create_detector(self: Any, *args: Any, **kwargs: Any) -> str:
        if self.detectors:
            raise JsonRESTError(
                "BadRequestException",
                "The request is rejected because a detector already exists for the current account.",
            )
        return original_create(self, *args, **kwargs)

    GuardDutyBackend.create_detector = create_detector
    applied.append("guardduty: CreateDetector refuses a second detector (rule R4)")


# --------------------------------------------------------------------------------------
# Rule R5 (Security Hub): EnableSecurityHub on an account already subscribed answers {}.
# AWS answers ResourceConflictException (HTTP 409, "The resource specified in the request
# conflicts with an existing resource",
# https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_EnableSecurityHub.html), with
# the message "Account is already subscribed to Security Hub" (as AWS answers it:
# nozaq/terraform-aws-secure-baseline#135).
# --------------------------------------------------------------------------------------
def _rule_securityhub_enabled_once(applied: list[str]) -> None:
    from moto.securityhub.exceptions import SecurityHubClientError
    from moto.securityhub.models import SecurityHubBackend

    original_enable = SecurityHubBackend.enable_security_hub

    def enable_security_hub(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if self.enabled:
            raise SecurityHubClientError("ResourceConflictException", "Account is already subscribed to Security Hub")
        return original_enable(self, *args, **kwargs)

    SecurityHubBackend.enable_security_hub = enable_security_hub
    applied.append("securityhub: EnableSecurityHub refuses an account already subscribed (rule R5)")


# --------------------------------------------------------------------------------------
# Rule R6 (CloudTrail): CreateTrail with the name of an existing trail overwrites it (its
# multi-region setting was reset, measured). AWS refuses with TrailAlreadyExistsException
# ("This exception is thrown when the specified trail already exists",
# https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html), message
# "Trail <name> already exists for customer: <account>" (as AWS answers it:
# nozaq/terraform-aws-secure-baseline#306).
# --------------------------------------------------------------------------------------
def _rule_cloudtrail_unique_name(applied: list[str]) -> None:
    from moto.cloudtrail.models import CloudTrailBackend
    from moto.core.exceptions import JsonRESTError

    original_create = CloudTrailBackend.create_trail

    def create_trail(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if name in self.trails:
            raise JsonRESTError(
                "TrailAlreadyExistsException", f"Trail {name} already exists for customer: {self.account_id}"
            )
        return original_create(self, name, *args, **kwargs)

    CloudTrailBackend.create_trail = create_trail
    applied.append("cloudtrail: CreateTrail refuses an existing name (rule R6)")


# --------------------------------------------------------------------------------------
# Rule R7 (API Gateway): CreateDomainName with an existing name silently replaces the
# domain. AWS refuses it: CreateDomainName's errors are BadRequestException and
# ConflictException (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateDomainName.html),
# and for a name that exists AWS answers BadRequestException "The domain name you provided
# already exists." (HTTP 400, the answer AWS gives and clients match on, e.g.
# amplify-education/serverless-domain-manager).
# --------------------------------------------------------------------------------------
def _rule_apigateway_unique_domain(applied: list[str]) -> None:
    from moto.apigateway.exceptions import BadRequestException
    from moto.apigateway.models import APIGatewayBackend

    original_create = APIGatewayBackend.create_domain_name

    def create_domain_name(self: Any, domain_name: str, *args: Any, **kwargs: Any) -> Any:
        if domain_name and domain_name in self.domain_names:
            raise BadRequestException("The domain name you provided already exists.")
        return original_create(self, domain_name, *args, **kwargs)

    APIGatewayBackend.create_domain_name = create_domain_name
    applied.append("apigateway: CreateDomainName refuses an existing name (rule R7)")


# --------------------------------------------------------------------------------------
# Rule R11 (RDS): CreateDBInstance and ModifyDBInstance accept any MaxAllocatedStorage (moto
# reports the allocation when it is lower). AWS wants the storage autoscaling ceiling at least
# 10% above the allocated storage
# (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html) and
# refuses less with InvalidParameterCombination "Invalid max storage size ..." (the answer
# recorded in docs/troubleshooting.md); so do we. A modification is checked against the
# allocation it leaves.
# --------------------------------------------------------------------------------------
def max_storage_allowed(allocated: int, maximum: int) -> bool:
    return maximum * 10 >= allocated * 11


def _rule_rds_max_storage(applied: list[str]) -> None:
    from moto.rds.exceptions import InvalidParameterCombination
    from moto.rds.models import RDSBackend

    def check(engine: Any, allocated: Any, maximum: Any) -> None:
        if maximum and allocated and not max_storage_allowed(int(allocated), int(maximum)):
            raise InvalidParameterCombination(f"Invalid max storage size for {engine or 'the engine'}")

    original_create = RDSBackend.create_db_instance

    def create_db_instance(self: Any, db_kwargs: dict[str, Any]) -> Any:
        check(db_kwargs.get("engine"), db_kwargs.get("allocated_storage"), db_kwargs.get("max_allocated_storage"))
        return original_create(self, db_kwargs)

    original_modify = RDSBackend.modify_db_instance

    def modify_db_instance(self: Any, db_instance_identifier: str, db_kwargs: dict[str, Any]) -> Any:
        if db_kwargs.get("max_allocated_storage"):
            database = self.describe_db_instances(db_instance_identifier)[0]
            allocated = db_kwargs.get("allocated_storage") or database.allocated_storage
            check(database.engine, allocated, db_kwargs.get("max_allocated_storage"))
        return original_modify(self, db_instance_identifier, db_kwargs)

    RDSBackend.create_db_instance = create_db_instance
    RDSBackend.modify_db_instance = modify_db_instance
    applied.append("rds: MaxAllocatedStorage at least 10% above the allocation (rule R11)")


REFUSAL_RULES: list[Callable[[list[str]], None]] = [
    _rule_config_delivery_bucket,
    _rule_subnet_size,
    _rule_guardduty_one_detector,
    _rule_securityhub_enabled_once,
    _rule_cloudtrail_unique_name,
    _rule_apigateway_unique_domain,
    _rule_rds_max_storage,
]

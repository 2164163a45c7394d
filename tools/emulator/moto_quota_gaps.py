"""Extensions of moto 5.2.1 for account quotas, loaded by moto_server_ext.py: Service Quotas
for the quotas the platform's deploy gates read, Lambda's account settings, and Lambda's
refusal of a reservation that leaves too little unreserved concurrency. Each answers the way
AWS answers; a quota's applied value is planted per account and region by a test
(POST /moto-api/healthcare/quotas, moto_planting.py), as AWS Support would raise or lower it.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from moto_planting import QUOTAS, PlantingError, register, required_text

# --------------------------------------------------------------------------------------
# The quotas the synthesized Terraform reads (data "aws_servicequotas_service_quota" with a
# quota_code: the provider calls GetAWSDefaultServiceQuota, then GetServiceQuota;
# internal/service/servicequotas/service_quota_data_source.go, hashicorp/aws 5.100), with
# AWS's defaults and response fields:
# https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_ServiceQuota.html
# - Lambda "Concurrent executions" (L-B99A9384), 1000 by default:
#   https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
# - EC2 "EC2-VPC Elastic IPs" (L-0263D0A3), 5 per region by default:
#   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html#using-instance-addressing-limit
# --------------------------------------------------------------------------------------
LAMBDA_CONCURRENCY = ("lambda", "L-B99A9384")
ELASTIC_IPS = ("ec2", "L-0263D0A3")

QUOTA_CATALOG: dict[tuple[str, str], dict[str, Any]] = {
    LAMBDA_CONCURRENCY: {
        "ServiceName": "AWS Lambda",
        "QuotaName": "Concurrent executions",
        "Value": 1000.0,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        "UsageMetric": {
            "MetricNamespace": "AWS/Lambda",
            "MetricName": "ConcurrentExecutions",
            "MetricDimensions": {},
            "MetricStatisticRecommendation": "Maximum",
        },
        "QuotaAppliedAtLevel": "ACCOUNT",
    },
    ELASTIC_IPS: {
        "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
        "QuotaName": "EC2-VPC Elastic IPs",
        "Value": 5.0,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        "UsageMetric": {
            "MetricNamespace": "AWS/Usage",
            "MetricName": "ResourceCount",
            "MetricDimensions": {"Class": "None", "Resource": "EIP", "Service": "EC2", "Type": "Resource"},
            "MetricStatisticRecommendation": "Maximum",
        },
        "QuotaAppliedAtLevel": "ACCOUNT",
    },
}


def quota_answer(service: str, code: str, region: str, account: str | None, value: float | None = None) -> dict[str, Any]:
    """A ServiceQuota as AWS returns it: the default's ARN has no account, the applied value's has."""
    entry = QUOTA_CATALOG[(service, code)]
    return {
        "ServiceCode": service,
        "QuotaCode": code,
        "QuotaArn": f"arn:aws:servicequotas:{region}:{account or ''}:{service}/{code}",
        **entry,
        "Value": float(entry["Value"] if value is None else value),
    }


def quota_value(account: str, region: str, service: str, code: str) -> float:
    """The quota in force: the planted (applied) value, else AWS's default."""
    planted = QUOTAS.get((account, region, service, code))
    return planted if planted is not None else float(QUOTA_CATALOG[(service, code)]["Value"])


# --------------------------------------------------------------------------------------
# Gap 18 (Service Quotas): GetAWSDefaultServiceQuota is not implemented (HTTP 500) and
# GetServiceQuota / ListAWSDefaultServiceQuotas know only ServiceCode vpc, so the
# platform's `data "aws_servicequotas_service_quota"` (lambda L-B99A9384, ec2 L-0263D0A3)
# fails the plan. AWS answers the default for every account; GetServiceQuota answers the
# applied value only when there is one (a quota raised or lowered for the account), else
# NoSuchResourceException, which the provider and preflight treat as "use the default"
# (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html).
# So do we: a planted value is the applied value of that account and region.
# --------------------------------------------------------------------------------------
def _patch_service_quotas(applied: list[str]) -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.servicequotas.exceptions import NoSuchResource
    from moto.servicequotas.models import ServiceQuotasBackend
    from moto.servicequotas.responses import ServiceQuotasResponse

    def get_aws_default_service_quota(self: Any) -> str:
        params = json.loads(self.body or "{}")
        key = (str(params.get("ServiceCode")), str(params.get("QuotaCode")))
        if key not in QUOTA_CATALOG:
            raise NoSuchResource()
        return json.dumps({"Quota": quota_answer(*key, region=self.region, account=None)})

    original_get = ServiceQuotasBackend.get_service_quota

    def get_service_quota(self: Any, service_code: str, quota_code: str) -> dict[str, Any]:
        key = (service_code, quota_code)
        if key not in QUOTA_CATALOG:
            return original_get(self, service_code, quota_code)
        planted = QUOTAS.get((self.account_id, self.region_name, service_code, quota_code))
        if planted is None:
            raise JsonRESTError(
                "NoSuchResourceException",
                f"The quota {service_code}/{quota_code} has no applied value in this account and Region.",
            )
        return quota_answer(service_code, quota_code, self.region_name, self.account_id, planted)

    original_list = ServiceQuotasBackend.list_aws_default_service_quotas

    def list_aws_default_service_quotas(self: Any, service_code: str) -> list[dict[str, Any]]:
        ours = [quota_answer(s, c, self.region_name, None) for (s, c) in QUOTA_CATALOG if s == service_code]
        return ours or original_list(self, service_code)

    ServiceQuotasResponse.get_aws_default_service_quota = get_aws_default_service_quota
    ServiceQuotasBackend.get_service_quota = get_service_quota
    ServiceQuotasBackend.list_aws_default_service_quotas = list_aws_default_service_quotas
    applied.append("servicequotas: lambda L-B99A9384 and ec2 L-0263D0A3 (default, applied when planted)")


def plant_quota(body: dict[str, Any]) -> dict[str, Any]:
    """a quota's applied value: {account, region, service, code, value}"""
    account = required_text(body, "account")
    region = required_text(body, "region")
    service = required_text(body, "service")
    code = required_text(body, "code")
    if (service, code) not in QUOTA_CATALOG:
        known = ", ".join(f"{s}/{c}" for s, c in QUOTA_CATALOG)
        raise PlantingError(f"unknown quota {service}/{code}; the emulator knows {known}")
    value = body.get("value")
    if value is None:
        QUOTAS.pop((account, region, service, code), None)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        QUOTAS[(account, region, service, code)] = float(value)
    else:
        raise PlantingError("value must be a number >= 0 (or null to go back to the default)")
    return {
        "account": account,
        "region": region,
        "service": service,
        "code": code,
        "value": quota_value(account, region, service, code),
        "applied": (account, region, service, code) in QUOTAS,
    }


def _plant_quotas(applied: list[str]) -> None:
    register(applied, "quotas", plant_quota)


# --------------------------------------------------------------------------------------
# Rule R3 (Lambda): PutFunctionConcurrency reserves any amount (moto checks only when the
# environment variable MOTO_LAMBDA_CONCURRENCY_QUOTA is set, and then always against 100).
# AWS refuses a reservation that leaves the account's unreserved concurrency below its
# minimum: "You can reserve concurrency for as many functions as you like, as long as you
# leave at least 100 simultaneous executions unreserved for functions that aren't configured
# with a per-function limit"
# (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html), and in an
# account whose quota is below 100 (new accounts: "New AWS accounts have reduced concurrency
# and memory quotas", https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
# the minimum is the quota itself, so nothing can be reserved (the error then reads "[10]").
# The error is InvalidParameterValueException with AWS's own text. The quota is the
# account's in that region (Service Quotas L-B99A9384, above).
# --------------------------------------------------------------------------------------
LAMBDA_UNRESERVED_MINIMUM = 100


def unreserved_minimum(quota: float) -> int:
    return int(min(LAMBDA_UNRESERVED_MINIMUM, quota))


def reserved_by_others(backend: Any, function_name: str | None) -> int:
    total = 0
    for fn in backend.list_functions():
        if fn.reserved_concurrency is not None and fn.function_name != function_name:
            total += int(fn.reserved_concurrency)
    return total


def _patch_lambda_concurrency(applied: list[str]) -> None:
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.awslambda.models import LambdaBackend

    def put_function_concurrency(self: Any, function_name: str, reserved_concurrency: Any) -> Any:
        fn = self.get_function(function_name)
        quota = quota_value(self.account_id, self.region_name, *LAMBDA_CONCURRENCY)
        minimum = unreserved_minimum(quota)
        unreserved = quota - reserved_by_others(self, fn.function_name) - int(reserved_concurrency)
        if unreserved < minimum:
            raise InvalidParameterValueException(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{minimum}]."
            )
        fn.reserved_concurrency = reserved_concurrency
        return fn.reserved_concurrency

    LambdaBackend.put_function_concurrency = put_function_concurrency
    applied.append("lambda: PutFunctionConcurrency keeps min(100, quota) unreserved (rule R3)")


# --------------------------------------------------------------------------------------
# Gap 19 (Lambda): GetAccountSettings has no route (HTTP 404), so preflight's Lambda
# concurrency check cannot read the account. AWS answers the account's limits and usage:
# AccountLimit.ConcurrentExecutions is the quota and UnreservedConcurrentExecutions what the
# functions' reservations leave of it
# (https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html); so do we
# (code sizes are AWS's fixed limits: 75 GB total, 250 MB unzipped, 50 MB zipped).
# --------------------------------------------------------------------------------------
def _patch_lambda_account_settings(applied: list[str]) -> None:
    from moto.awslambda import urls as lambda_urls
    from moto.awslambda.responses import LambdaResponse

    lambda_urls.url_paths[r"{0}/(?P<api_version>[^/]+)/account-settings/?$"] = LambdaResponse.dispatch

    def get_account_settings(self: Any) -> str:
        backend = self.backend
        quota = quota_value(backend.account_id, backend.region_name, *LAMBDA_CONCURRENCY)
        functions = list(backend.list_functions())
        return json.dumps(
            {
                "AccountLimit": {
                    "TotalCodeSize": 80530636800,
                    "CodeSizeUnzipped": 262144000,
                    "CodeSizeZipped": 52428800,
                    "ConcurrentExecutions": int(quota),
                    "UnreservedConcurrentExecutions": int(quota) - reserved_by_others(backend, None),
                },
                "AccountUsage": {
                    "TotalCodeSize": sum(int(getattr(fn, "code_size", 0) or 0) for fn in functions),
                    "FunctionCount": len(functions),
                },
            }
        )

    LambdaResponse.get_account_settings = get_account_settings
    applied.append("lambda: GetAccountSettings (concurrency from the account's quota)")


# --------------------------------------------------------------------------------------
# Rule R10 (EC2): AllocateAddress allocates any number of Elastic IPs. AWS: "By default, all
# AWS accounts have a quota of five (5) Elastic IP addresses per Region"
# (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html), and an
# allocation past the quota fails with AddressLimitExceeded
# (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). So do we,
# against the account's EC2-VPC Elastic IPs quota in that region (L-0263D0A3, above: 5, or
# the planted value), so a deploy whose NAT gateways need more addresses than the account has
# stops here as on AWS.
# --------------------------------------------------------------------------------------
def _rule_elastic_ip_quota(applied: list[str]) -> None:
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.elastic_ip_addresses import ElasticAddressBackend

    original_allocate = ElasticAddressBackend.allocate_address

    def allocate_address(self: Any, domain: str, *args: Any, **kwargs: Any) -> Any:
        quota = quota_value(self.account_id, self.region_name, *ELASTIC_IPS)
        held = sum(1 for address in self.addresses if address.domain == "vpc")
        if domain != "standard" and held >= quota:
            raise EC2ClientError("AddressLimitExceeded", "The maximum number of addresses has been reached.")
        return original_allocate(self, domain, *args, **kwargs)

    ElasticAddressBackend.allocate_address = allocate_address
    applied.append("ec2: AllocateAddress keeps to the account's Elastic IP quota (rule R10)")


QUOTA_PATCHES: list[Callable[[list[str]], None]] = [
    _patch_service_quotas,
    _plant_quotas,
    _patch_lambda_concurrency,
    _patch_lambda_account_settings,
    _rule_elastic_ip_quota,
]

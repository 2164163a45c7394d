"""Extensions of moto 5.2.1 for the platform's application tier and the e2e lifecycle,
loaded by moto_server_ext.py. Each patch closes one gap, measured on `npm run test:e2e`,
that made the unchanged synthesized stacks fail to apply or re-plan clean on the emulator;
each makes the emulator answer the way AWS answers and none changes what a stack asks for.
Each takes the list of applied extensions and adds its one-line description.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any, Callable

# --------------------------------------------------------------------------------------
# Gap 15 (Lambda): CreateFunction accepts KMSKeyArn, DeadLetterConfig and LoggingConfig,
# but GetFunction/GetFunctionConfiguration never return them and UpdateFunctionConfiguration
# drops them. The provider then reads `kms_key_arn`, `dead_letter_config` and
# `logging_config` back empty, so every plan after apply proposes to set them again
# (measured on the readiness function). AWS stores and returns all three, LoggingConfig
# with the defaults it applies (LogFormat Text, LogGroup /aws/lambda/<function name>).
# --------------------------------------------------------------------------------------
LAMBDA_STORED_SETTINGS = ("KMSKeyArn", "DeadLetterConfig", "LoggingConfig")


def _patch_lambda_configuration(applied: list[str]) -> None:
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        spec = kwargs.get("spec", args[1] if len(args) > 1 else {})
        self.ext_settings = {key: spec[key] for key in LAMBDA_STORED_SETTINGS if spec.get(key)}

    original_get = LambdaFunction.get_configuration

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = original_get(self, *args, **kwargs)
        stored = dict(getattr(self, "ext_settings", {}))
        logging = stored.get("LoggingConfig")
        if logging is not None:
            stored["LoggingConfig"] = {
                "LogFormat": "Text",
                "LogGroup": f"/aws/lambda/{self.function_name}",
                **logging,
            }
        config.update(stored)
        return config

    original_update = LambdaFunction.update_configuration

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        settings = getattr(self, "ext_settings", {})
        for key in LAMBDA_STORED_SETTINGS:
            if key in config_updates:
                if config_updates[key]:
                    settings[key] = config_updates[key]
                else:
                    settings.pop(key, None)
        self.ext_settings = settings
        return original_update(self, config_updates)

    LambdaFunction.__init__ = init
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration
    applied.append("lambda: KMSKeyArn, DeadLetterConfig and LoggingConfig are stored and returned")


# --------------------------------------------------------------------------------------
# Gap 16 (RDS): every DB instance gets the same DbiResourceId (a constant in moto's
# DBInstance). hashicorp/aws 5.100 finds an instance by its resource id (filter
# dbi-resource-id), so with two environments in one account and region (dev and prod side
# by side) both creates waited forever on a lookup that matched two instances (measured:
# "Still creating... [5m0s elapsed]" on both while both were "available"); and "the upgrade
# kept the DbiResourceId" would prove nothing. AWS gives each instance its own
# region-unique, immutable id ("db-" and 26 upper-case letters and digits); so do we.
# --------------------------------------------------------------------------------------
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _patch_rds_unique_resource_id(applied: list[str]) -> None:
    from moto.rds.models import DBInstance

    original_init = DBInstance.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.dbi_resource_id = "db-" + "".join(secrets.choice(_BASE32) for _ in range(26))

    DBInstance.__init__ = init
    applied.append("rds: each DB instance has its own DbiResourceId")


# --------------------------------------------------------------------------------------
# Gap 21 (CloudWatch Logs): PutDataProtectionPolicy, GetDataProtectionPolicy and
# DeleteDataProtectionPolicy are not implemented (HTTP 500), so the platform's
# `aws_cloudwatch_log_data_protection_policy` cannot be created. AWS stores one policy per log
# group and returns it with the group and the time of the last change
# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDataProtectionPolicy.html).
# AWS also refuses a document that is not what that page asks for: "This policy must include
# two JSON blocks": the first "a DataIdentifer array and an Operation property with an Audit
# action" that "must contain a FindingsDestination object", the second "a DataIdentifer array
# and an Operation property with an Deidentify action. The DataIdentifer array must exactly
# match the DataIdentifer array in the first block", whose "MaskConfig": {} "must be empty";
# besides those, only Name, Description and Version (and the Configuration of custom data
# identifiers, https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL-custom-data-identifiers.html).
# So do we, with InvalidParameterException (HTTP 400), the error the page lists for it.
# --------------------------------------------------------------------------------------
DATA_PROTECTION_VERSION = "2021-06-01"
DATA_PROTECTION_MAX_CHARACTERS = 30720
MANAGED_IDENTIFIER_PREFIX = "arn:aws:dataprotection::aws:data-identifier/"
DATA_PROTECTION_TOP_LEVEL = {"Name", "Description", "Version", "Configuration", "Statement"}


def data_protection_problem(document_text: str) -> str | None:
    """Why AWS would refuse this data protection policy document, or None when it is valid."""
    if len(document_text) > DATA_PROTECTION_MAX_CHARACTERS:
        return f"The policy document is longer than {DATA_PROTECTION_MAX_CHARACTERS} characters."
    try:
        document = json.loads(document_text)
    except ValueError:
        return "The policy document is not valid JSON."
    if not isinstance(document, dict):
        return "The policy document must be a JSON object."
    unknown = sorted(set(document) - DATA_PROTECTION_TOP_LEVEL)
    if unknown:
        return f"Unknown policy field(s): {', '.join(unknown)}."
    if "Version" in document and document["Version"] != DATA_PROTECTION_VERSION:
        return f"Version must be {DATA_PROTECTION_VERSION}."
    custom = (document.get("Configuration") or {}).get("CustomDataIdentifier") or []
    custom_names = {c.get("Name") for c in custom if isinstance(c, dict)}
    statements = document.get("Statement")
    if not isinstance(statements, list) or len(statements) != 2:
        return "The policy must contain exactly two statements: an Audit statement, then a Deidentify statement."
    audit, deidentify = statements
    for position, statement, operation in (("first", audit, "Audit"), ("second", deidentify, "Deidentify")):
        if not isinstance(statement, dict) or not isinstance(statement.get("Operation"), dict):
            return f"The {position} statement must have an Operation."
        if list(statement["Operation"]) != [operation]:
            return f"The {position} statement's Operation must be exactly one {operation} action."
        identifiers = statement.get("DataIdentifier")
        if not isinstance(identifiers, list) or not identifiers:
            return f"The {position} statement must have a non-empty DataIdentifier array."
        for identifier in identifiers:
            if not isinstance(identifier, str) or not (
                identifier.startswith(MANAGED_IDENTIFIER_PREFIX) or identifier in custom_names
            ):
                return f"Unknown data identifier {identifier!r}: neither a managed one nor a CustomDataIdentifier."
    if not isinstance(audit["Operation"]["Audit"], dict) or not isinstance(
        audit["Operation"]["Audit"].get("FindingsDestination"), dict
    ):
        return "The Audit action must contain a FindingsDestination object."
    if deidentify["Operation"]["Deidentify"] != {"MaskConfig": {}}:
        return 'The Deidentify action must contain exactly "MaskConfig": {} (an empty object).'
    if sorted(audit["DataIdentifier"]) != sorted(deidentify["DataIdentifier"]):
        return "The DataIdentifier arrays of the Audit and Deidentify statements must match exactly."
    return None


def _patch_logs_data_protection(applied: list[str]) -> None:
    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
    from moto.logs.responses import LogsResponse

    def group_of(response: Any) -> Any:
        identifier = response._get_param("logGroupIdentifier") or ""
        name = identifier.split(":log-group:", 1)[-1].removesuffix(":*") if identifier.startswith("arn:") else identifier
        group = response.logs_backend.groups.get(name)
        if group is None:
            raise ResourceNotFoundException("The specified log group does not exist.")
        return identifier, group

    def put_data_protection_policy(self: Any) -> str:
        identifier, group = group_of(self)
        document = self._get_param("policyDocument") or ""
        problem = data_protection_problem(document)
        if problem:
            raise InvalidParameterException(problem)
        group.ext_data_protection = {"policyDocument": document, "lastUpdatedTime": int(time.time() * 1000)}
        return json.dumps({"logGroupIdentifier": identifier, **group.ext_data_protection})

    def get_data_protection_policy(self: Any) -> str:
        identifier, group = group_of(self)
        return json.dumps({"logGroupIdentifier": identifier, **(getattr(group, "ext_data_protection", None) or {})})

    def delete_data_protection_policy(self: Any) -> str:
        _, group = group_of(self)
        if not getattr(group, "ext_data_protection", None):
            raise ResourceNotFoundException("The specified log group has no data protection policy.")
        group.ext_data_protection = None
        return ""

    LogsResponse.put_data_protection_policy = put_data_protection_policy
    LogsResponse.get_data_protection_policy = get_data_protection_policy
    LogsResponse.delete_data_protection_policy = delete_data_protection_policy
    applied.append("logs: data protection policies (put with AWS's document checks, get, delete)")


# --------------------------------------------------------------------------------------
# Gap 22 (Lambda): Invoke runs the function's code in Docker, which this machine does not
# have, so the deploy's `aws_lambda_invocation` of the database-setup function (it creates
# the IAM-mapped database role inside the VPC) fails. The emulator has no database to set up
# either; the handler itself is tested by `npm run test:app` against real PostgreSQL. Here an
# Invoke of a function named healthcare-db-setup-* answers as the handler answers on success,
# HTTP 200 with {"status": "ok", "emulated": true, "steps": []} and no FunctionError
# (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html); "emulated" says nothing ran.
# Every other Invoke keeps moto's behaviour.
# --------------------------------------------------------------------------------------
DB_SETUP_FUNCTION_PREFIX = "healthcare-db-setup-"
DB_SETUP_EMULATED_ANSWER = {"status": "ok", "emulated": True, "steps": []}


def _patch_lambda_db_setup_invoke(applied: list[str]) -> None:
    from moto.awslambda.models import LambdaBackend

    original_invoke = LambdaBackend.invoke

    def invoke(self: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any) -> Any:
        fn = self.get_function(function_name, qualifier)
        if not fn.function_name.startswith(DB_SETUP_FUNCTION_PREFIX):
            return original_invoke(self, function_name, qualifier, body, headers, response_headers)
        payload = json.dumps(DB_SETUP_EMULATED_ANSWER).encode("utf-8")
        response_headers["Content-Length"] = str(len(payload))
        return payload

    LambdaBackend.invoke = invoke
    applied.append(f"lambda: Invoke of {DB_SETUP_FUNCTION_PREFIX}* answers the handler's success (no Docker here)")


# --------------------------------------------------------------------------------------
# Gap 23 (API Gateway): UpdateRestApi stores `disableExecuteApiEndpoint` as bool(value), and
# the patch operation's value is the string "false", so re-enabling the execute-api endpoint
# stored true (apigateway/models.py). AWS reads "true"/"false"
# (https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateRestApi.html,
# https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html); so do we.
# --------------------------------------------------------------------------------------
def _patch_rest_api_disable_execute_endpoint(applied: list[str]) -> None:
    from moto.apigateway.models import RestAPI

    original_apply = RestAPI.apply_patch_operations

    def apply_patch_operations(self: Any, patch_operations: list[dict[str, Any]]) -> None:
        ours = [
            op
            for op in patch_operations
            if op.get("op") == "replace" and op.get("path") == "/disableExecuteApiEndpoint"
        ]
        original_apply(self, [op for op in patch_operations if op not in ours])
        for op in ours:
            self.disableExecuteApiEndpoint = str(op.get("value")).lower() == "true"

    RestAPI.apply_patch_operations = apply_patch_operations
    applied.append('apigateway: UpdateRestApi reads disableExecuteApiEndpoint "false" as false')


# --------------------------------------------------------------------------------------
# Gap 27 (API Gateway): UpdateDomainName is not implemented (HTTP 500), so any in-place
# change of an `aws_api_gateway_domain_name` (a new certificate, the security policy) fails.
# AWS applies the patch operations to the domain and returns it
# (https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateDomainName.html); so do we for
# the certificate and security-policy fields, and refuse another path with
# BadRequestException as AWS does ("Invalid patch path").
# --------------------------------------------------------------------------------------
DOMAIN_PATCH_PATHS = {
    "/regionalCertificateArn": "regional_certificate_arn",
    "/regionalCertificateName": "regional_certificate_name",
    "/certificateArn": "certificate_arn",
    "/certificateName": "certificate_name",
    "/securityPolicy": "security_policy",
}


def _patch_apigateway_update_domain_name(applied: list[str]) -> None:
    from urllib.parse import unquote

    from moto.apigateway.exceptions import BadRequestException
    from moto.apigateway.responses import APIGatewayResponse

    def update_domain_name(self: Any) -> str:
        domain = self.backend.get_domain_name(unquote(self.path.split("/")[2]))
        operations = self._get_param("patchOperations") or []
        for op in operations:
            path = op.get("path")
            if op.get("op") != "replace" or path not in DOMAIN_PATCH_PATHS:
                raise BadRequestException(
                    f"Invalid patch path '{path}' specified for op '{op.get('op')}'. "
                    f"Must be one of: [{', '.join(DOMAIN_PATCH_PATHS)}]"
                )
        for op in operations:
            setattr(domain, DOMAIN_PATCH_PATHS[op["path"]], op.get("value"))
        return json.dumps(domain.to_json())

    APIGatewayResponse.update_domain_name = update_domain_name
    applied.append("apigateway: UpdateDomainName (certificates, security policy)")


APP_PATCHES: list[Callable[[list[str]], None]] = [
    _patch_lambda_configuration,
    _patch_rds_unique_resource_id,
    _patch_logs_data_protection,
    _patch_lambda_db_setup_invoke,
    _patch_rest_api_disable_execute_endpoint,
    _patch_apigateway_update_domain_name,
]

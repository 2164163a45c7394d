"""Extension of moto 5.2.1 for requests that cross accounts, loaded by moto_server_ext.py.

The e2e runs three accounts on one emulator: tooling (123456789012, the default credentials)
and dev and prod (111111111111, 222222222222) through STS AssumeRole. moto keeps every
account's resources apart (each backend is per account and region), but without IAM
authentication (INITIAL_NO_AUTH_ACTION_COUNT, which would check every request, the default
credentials included, against IAM users that do not exist here) it lets any account read and
write any other account's S3 objects.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any, Callable

# --------------------------------------------------------------------------------------
# Gap 26 (S3, cross-account): a request whose credentials belong to another account than the
# bucket's is allowed whatever the bucket policy says. AWS allows such a request only when
# both the bucket policy (the resource owner) and the caller's identity policies (the
# caller's account) allow it, and neither denies it
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
# So do we, for cross-account requests only (same-account requests are as before, gap 6):
# - the caller is the role of the assumed-role credentials (or the account itself);
# - a statement applies when its Principal names "*", the caller's account (id or :root),
#   the role's ARN or the session's ARN, and its Action/Resource match;
# - conditions are evaluated for the keys the request carries: aws:PrincipalArn,
#   aws:PrincipalAccount, aws:SecureTransport (true: clients of AWS use TLS), s3:prefix,
#   s3:x-amz-server-side-encryption and s3:x-amz-server-side-encryption-aws-kms-key-id;
#   another aws: key is absent from the request (a String/Arn condition on it is false, as on
#   AWS); a statement with any other key or operator, or with NotPrincipal, is not evaluated
#   (it neither allows nor denies);
# - the caller's identity policies are the role's inline and attached policies.
# The answer to a refused request is AccessDenied (HTTP 403), as S3's.
# --------------------------------------------------------------------------------------
S3_OPERATION_ACTIONS = {
    "HeadObject": "s3:GetObject",
    "GetObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
    "DeleteObjects": "s3:DeleteObject",
    "CopyObject": "s3:PutObject",
    "GetObjectTagging": "s3:GetObjectTagging",
    "PutObjectTagging": "s3:PutObjectTagging",
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
}
STRING_OPERATORS = {
    "StringEquals": (lambda value, pattern: value == pattern, False),
    "StringNotEquals": (lambda value, pattern: value == pattern, True),
    "StringLike": (lambda value, pattern: fnmatch.fnmatchcase(value, pattern), False),
    "StringNotLike": (lambda value, pattern: fnmatch.fnmatchcase(value, pattern), True),
    "ArnEquals": (lambda value, pattern: value == pattern, False),
    "ArnNotEquals": (lambda value, pattern: value == pattern, True),
    "ArnLike": (lambda value, pattern: fnmatch.fnmatchcase(value, pattern), False),
    "ArnNotLike": (lambda value, pattern: fnmatch.fnmatchcase(value, pattern), True),
    "Bool": (lambda value, pattern: value.lower() == str(pattern).lower(), False),
}
REQUEST_CONDITION_KEYS = {
    "aws:principalarn",
    "aws:principalaccount",
    "aws:securetransport",
    "s3:prefix",
    "s3:x-amz-server-side-encryption",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
}

ALLOW, DENY, NEITHER = "allow", "deny", "neither"


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def principal_matches(principal: Any, caller: dict[str, str]) -> bool:
    if principal == "*":
        return True
    names = as_list(principal.get("AWS")) if isinstance(principal, dict) else []
    account = caller["account"]
    accepted = {"*", account, f"arn:aws:iam::{account}:root", caller.get("role_arn"), caller.get("session_arn")}
    return any(name in accepted for name in names if name)


def matches_any(value: str, patterns: list[Any], case_sensitive: bool) -> bool:
    if case_sensitive:
        return any(fnmatch.fnmatchcase(value, str(p)) for p in patterns)
    return any(fnmatch.fnmatchcase(value.lower(), str(p).lower()) for p in patterns)


def condition_holds(condition: dict[str, Any], context: dict[str, str]) -> bool | None:
    """True/False as AWS would decide it, None when this evaluator cannot decide."""
    for operator, tests in condition.items():
        if operator not in STRING_OPERATORS or not isinstance(tests, dict):
            return None
        compare, negated = STRING_OPERATORS[operator]
        for key, patterns in tests.items():
            key_lower = key.lower()
            if key_lower not in REQUEST_CONDITION_KEYS and not key_lower.startswith("aws:"):
                return None
            value = context.get(key_lower)
            if value is None:
                # An absent key: the positive operators are false, the negated ones true.
                if not negated:
                    return False
                continue
            matched = any(compare(value, str(p)) for p in as_list(patterns))
            if matched == negated:
                return False
    return True


def statement_effect(
    statement: dict[str, Any], action: str, resource: str, context: dict[str, str], caller: dict[str, str] | None
) -> str:
    """ALLOW/DENY when the statement applies to the request, NEITHER otherwise."""
    if caller is not None:
        if "NotPrincipal" in statement or not principal_matches(statement.get("Principal"), caller):
            return NEITHER
    if "NotAction" in statement or "NotResource" in statement:
        return NEITHER
    if not matches_any(action, as_list(statement.get("Action")), case_sensitive=False):
        return NEITHER
    if not matches_any(resource, as_list(statement.get("Resource")), case_sensitive=True):
        return NEITHER
    holds = condition_holds(statement.get("Condition") or {}, context)
    if not holds:
        return NEITHER
    return DENY if statement.get("Effect") == "Deny" else ALLOW


def policy_decision(
    documents: list[str], action: str, resources: list[str], context: dict[str, str], caller: dict[str, str] | None
) -> str:
    """DENY if a statement denies, ALLOW if one allows, NEITHER otherwise (AWS's implicit deny)."""
    decision = NEITHER
    for document in documents:
        statements = as_list(json.loads(document).get("Statement"))
        for statement in statements:
            for resource in resources:
                effect = statement_effect(statement, action, resource, context, caller)
                if effect == DENY:
                    return DENY
                if effect == ALLOW:
                    decision = ALLOW
    return decision


def identify_caller(access_key: str) -> dict[str, str]:
    """The caller's account and, for assumed-role credentials, its role and session ARNs."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    for account_id, account in list(iam_backends.items()):
        for partition in ("aws",):
            key = account[partition].access_keys.get(access_key)
            if key is None:
                continue
            caller = {"account": account_id}
            if getattr(key, "role_arn", None):
                caller["role_arn"] = key.role_arn
                for assumed in sts_backends[account_id][partition].assumed_roles:
                    if assumed.access_key_id == access_key:
                        role_name = key.role_arn.split("/")[-1]
                        caller["session_arn"] = f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{assumed.session_name}"
            return caller
    return {"account": DEFAULT_ACCOUNT_ID}


def identity_documents(caller: dict[str, str]) -> list[str] | None:
    """The role's inline and attached policies; None for a caller that is not a role."""
    from moto.iam.models import iam_backends

    role_arn = caller.get("role_arn")
    if not role_arn:
        return None
    backend = iam_backends[caller["account"]]["aws"]
    try:
        role = backend.get_role(role_arn.split("/")[-1])
    except Exception:
        return []
    documents = list(role.policies.values())
    for managed in role.managed_policies.values():
        documents.append(managed.document)
    return [d if isinstance(d, str) else json.dumps(d) for d in documents]


def request_context(response: Any, caller: dict[str, str]) -> dict[str, str]:
    context = {"aws:principalaccount": caller["account"], "aws:securetransport": "true"}
    if caller.get("role_arn"):
        context["aws:principalarn"] = caller["role_arn"]
    prefix = (getattr(response, "querystring", {}) or {}).get("prefix")
    if prefix:
        context["s3:prefix"] = prefix[0]
    headers = {k.lower(): v for k, v in (getattr(response, "headers", {}) or {}).items()}
    for header in ("x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"):
        if header in headers:
            context[f"s3:{header}"] = headers[header]
    return context


def cross_account_decision(response: Any, bucket: Any, key_name: str | None, caller: dict[str, str]) -> bool:
    try:
        operation = response._get_action()
    except Exception:
        operation = ""
    action = S3_OPERATION_ACTIONS.get(operation, f"s3:{operation}" if operation else "s3:*")
    resource = f"arn:aws:s3:::{bucket.name}/{key_name}" if key_name else f"arn:aws:s3:::{bucket.name}"
    context = request_context(response, caller)
    bucket_policy = [bucket.policy.decode()] if bucket.policy else []
    resource_side = policy_decision(bucket_policy, action, [resource], context, caller)
    if resource_side != ALLOW:
        return False
    documents = identity_documents(caller)
    if documents is None:
        return True
    return policy_decision(documents, action, [resource], context, None) == ALLOW


# Gap 36 (S3, a missing object across accounts): S3 answers a GetObject or HeadObject of a key
# that does not exist with 404 only when the caller may also list the bucket (s3:ListBucket,
# on the bucket, with no s3:prefix: the request names one key), and with 403 otherwise
# (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html: "If you don't have the
# s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Forbidden error").
# Terraform's S3 backend takes only a 404 for "no state yet": a role without that list right
# fails its first plan of a new environment. moto answered 404 to anyone.
MISSING_OBJECT_OPERATIONS = {"HeadObject", "GetObject"}


def may_learn_absence(bucket_policy: list[str], identity: list[str] | None, bucket_name: str, caller: dict[str, str]) -> bool:
    """Whether a cross-account caller may list the bucket, as S3 asks before it answers 404."""
    context = {"aws:principalaccount": caller["account"], "aws:securetransport": "true"}
    if caller.get("role_arn"):
        context["aws:principalarn"] = caller["role_arn"]
    resource = f"arn:aws:s3:::{bucket_name}"
    if policy_decision(bucket_policy, "s3:ListBucket", [resource], context, caller) != ALLOW:
        return False
    return identity is None or policy_decision(identity, "s3:ListBucket", [resource], context, None) == ALLOW


def _patch_s3_cross_account(applied: list[str]) -> None:
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.s3.exceptions import S3AccessDeniedError
    from moto.s3.models import s3_backends

    original = ActionAuthenticatorMixin._authenticate_and_authorize_s3_action

    def authorize(self: Any, bucket_name: str | None = None, key_name: str | None = None) -> None:
        original(self, bucket_name=bucket_name, key_name=key_name)
        if not bucket_name or bucket_name not in s3_backends.bucket_accounts:
            return
        _, owner = s3_backends.bucket_accounts[bucket_name]
        caller = identify_caller(self.get_access_key())
        if caller["account"] == owner:
            return
        bucket = s3_backends[owner]["aws"].buckets.get(bucket_name)
        if bucket is None:
            return
        if not cross_account_decision(self, bucket, key_name, caller):
            raise S3AccessDeniedError()
        try:
            operation = self._get_action()
        except Exception:
            operation = ""
        if operation in MISSING_OBJECT_OPERATIONS and key_name and bucket.keys.get(key_name) is None:
            bucket_policy = [bucket.policy.decode()] if bucket.policy else []
            if not may_learn_absence(bucket_policy, identity_documents(caller), bucket_name, caller):
                raise S3AccessDeniedError()

    ActionAuthenticatorMixin._authenticate_and_authorize_s3_action = authorize
    applied.append("s3: cross-account requests need the bucket policy and the caller's role to allow them")
    applied.append("s3: a missing object is 404 across accounts only to a caller who may list the bucket, else 403 (gap 36)")


ACCOUNT_PATCHES: list[Callable[[list[str]], None]] = [
    _patch_s3_cross_account,
]

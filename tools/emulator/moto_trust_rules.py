"""Rule R12: STS evaluates the role's trust policy, loaded by moto_server_ext.py.

moto 5.2.1 lets any caller assume any role ARN, even of a role that does not exist
(`STSBackend.assume_role`: "the role does not need to exist"), and answers
AssumeRoleWithWebIdentity for any token. AWS refuses both unless the role exists and its
trust policy (the role's resource policy) allows the caller
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
So do we:

AssumeRole
- the role must exist in the account of RoleArn; else, or when no statement allows the
  caller, or one denies it: AccessDenied (HTTP 403) "User: <caller ARN> is not authorized to
  perform: sts:AssumeRole on resource: <role ARN>". The caller ARN is what
  GetCallerIdentity answers for the credentials (the emulator's default credentials:
  moto's `arn:aws:sts::123456789012:user/moto`).
- a statement applies when its Action matches sts:AssumeRole and its Principal names "*",
  the caller's account (the bare id or `arn:aws:iam::<account>:root`: any principal of that
  account), the caller's role ARN (any session of that role), the session's ARN or the
  caller's IAM user ARN. The default credentials are the tooling account's root-like
  identity: they match their account, and aws:PrincipalArn is `arn:aws:iam::<account>:root`.
- conditions on sts:ExternalId (absent when the call gives none: a statement requiring it
  does not apply; one given but not required changes nothing, as on AWS),
  sts:RoleSessionName, aws:PrincipalArn, aws:PrincipalAccount.
- not modelled: the caller's own identity policy (AWS also wants it to allow sts:AssumeRole
  across accounts), session policies, tags, SCPs, permission boundaries.

AssumeRoleWithWebIdentity
- the token must be a JWT (three dot-separated base64url parts, the claims a JSON object);
  else InvalidIdentityToken (HTTP 400). Its payload is read WITHOUT verifying the signature:
  the emulator cannot know the issuer's keys (GitHub's); `alg: none` and any signature are
  accepted. Everything else is checked:
- `iss` names the provider: an OpenID Connect provider for that host
  (CreateOpenIDConnectProvider) must exist in the role's account, else InvalidIdentityToken
  "No OpenIDConnect provider found in your account for <iss>";
- `aud` must be one of the provider's client ids, else InvalidIdentityToken "Incorrect token
  audience"; an `exp` in the past is ExpiredTokenException;
- the role must exist and a statement with `Principal.Federated` = the provider's ARN and
  Action sts:AssumeRoleWithWebIdentity must allow it, with its conditions evaluated against
  the token's claims as `<host>:<claim>` (`<host>:sub`, `<host>:aud`, and every other string
  claim present in the token); else AccessDenied (HTTP 403) "Not authorized to perform
  sts:AssumeRoleWithWebIdentity", AWS's answer.

Both: an explicit Deny wins; operators String(Not)Equals(IgnoreCase), String(Not)Like,
Arn(Not)Equals, Arn(Not)Like, Bool, Null, each with IfExists; a key absent from the request
makes a positive operator false and a negated one true. A statement with another operator
(ForAnyValue:, Date, Numeric, IpAddress...) or with NotPrincipal is not evaluated (it neither
allows nor denies). docs/e2e.md (rule R12) and tools/emulator-test/trust.emulator.test.ts.

Also here: POST /moto-api/healthcare/organization-account (moto_planting.py), the role AWS
Organizations creates in every account it creates.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from typing import Any, Callable

from moto_planting import PlantingError, register, required_text

ALLOW, DENY, NEITHER = "allow", "deny", "neither"
ACCOUNT_ID = re.compile(r"^\d{12}$")
ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$")

INVALID_TOKEN_MESSAGE = (
    "The web identity token that was passed could not be validated by AWS. "
    "Get a new identity token from the identity provider and then retry the request."
)
WEB_IDENTITY_DENIED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --------------------------------------------------------------------------------------
# Pure decisions (tested in test_moto_rules.py)
# --------------------------------------------------------------------------------------
def wildcard_matches(value: str, pattern: str, ignore_case: bool = False) -> bool:
    """IAM's StringLike: `*` any run of characters, `?` one character, nothing else special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


# operator -> (compare(value, pattern), negated)
OPERATORS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "StringEquals": (lambda v, p: v == p, False),
    "StringNotEquals": (lambda v, p: v == p, True),
    "StringEqualsIgnoreCase": (lambda v, p: v.lower() == p.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda v, p: v.lower() == p.lower(), True),
    "StringLike": (wildcard_matches, False),
    "StringNotLike": (wildcard_matches, True),
    "ArnEquals": (lambda v, p: v == p, False),
    "ArnNotEquals": (lambda v, p: v == p, True),
    "ArnLike": (wildcard_matches, False),
    "ArnNotLike": (wildcard_matches, True),
    "Bool": (lambda v, p: v.lower() == p.lower(), False),
}


def condition_holds(condition: dict[str, Any], context: dict[str, list[str]]) -> bool | None:
    """True/False as IAM decides it; None for an operator this evaluator does not know.

    `context` maps lower-case condition keys to the request's values (a claim may be a list).
    """
    for raw_operator, tests in condition.items():
        if not isinstance(tests, dict):
            return None
        if_exists = raw_operator.endswith("IfExists")
        operator = raw_operator[: -len("IfExists")] if if_exists else raw_operator
        for key, patterns in tests.items():
            values = context.get(key.lower())
            if operator == "Null":
                wants_absent = any(str(p).lower() == "true" for p in as_list(patterns))
                if wants_absent != (values is None):
                    return False
                continue
            if operator not in OPERATORS:
                return None
            compare, negated = OPERATORS[operator]
            if values is None:
                if if_exists or negated:
                    continue
                return False
            matched = any(compare(v, str(p)) for v in values for p in as_list(patterns))
            if matched == negated:
                return False
    return True


def action_matches(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(wildcard_matches(action, str(p), ignore_case=True) for p in as_list(statement["NotAction"]))
    return any(wildcard_matches(action, str(p), ignore_case=True) for p in as_list(statement.get("Action")))


def aws_principal_matches(principal: Any, caller: dict[str, str]) -> bool:
    """Principal "*", the caller's account (id or :root), its role, session or user ARN."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    account = caller["account"]
    names = {str(n) for n in as_list(principal.get("AWS"))}
    accepted = {"*", account, f"arn:aws:iam::{account}:root"}
    accepted |= {caller[k] for k in ("principal_arn", "session_arn") if caller.get(k)}
    return bool(names & accepted)


def federated_principal_matches(principal: Any, provider_arn: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return provider_arn in {str(n) for n in as_list(principal.get("Federated"))}


def trust_decision(
    document: str,
    action: str,
    principal_matches: Callable[[Any], bool],
    context: dict[str, list[str]],
) -> str:
    """DENY if an applicable statement denies, ALLOW if one allows, NEITHER otherwise."""
    try:
        statements = as_list(json.loads(document).get("Statement"))
    except (ValueError, AttributeError):
        return NEITHER
    decision = NEITHER
    for statement in statements:
        if not isinstance(statement, dict) or "NotPrincipal" in statement:
            continue
        if not principal_matches(statement.get("Principal")) or not action_matches(statement, action):
            continue
        if condition_holds(statement.get("Condition") or {}, context) is not True:
            continue
        if statement.get("Effect") == "Deny":
            return DENY
        if statement.get("Effect") == "Allow":
            decision = ALLOW
    return decision


def assume_role_context(caller: dict[str, str], external_id: str | None, session_name: str | None) -> dict[str, list[str]]:
    context = {"aws:principalaccount": [caller["account"]], "aws:principalarn": [caller["principal_arn"]]}
    if external_id is not None:
        context["sts:externalid"] = [external_id]
    if session_name is not None:
        context["sts:rolesessionname"] = [session_name]
    return context


def _b64url_json(part: str) -> Any:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))


def jwt_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT (header.payload.signature, base64url), signature NOT verified;
    None when the token is no JWT."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or not parts[0] or not parts[1]:
        return None
    try:
        header = _b64url_json(parts[0])
        claims = _b64url_json(parts[1])
    except (ValueError, UnicodeError, binascii.Error):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return claims


def issuer_host(iss: Any) -> str | None:
    """IAM names an OIDC provider by its URL without the scheme."""
    if not isinstance(iss, str) or not iss.startswith("https://") or len(iss) <= len("https://"):
        return None
    return iss[len("https://") :].rstrip("/")


def web_identity_context(host: str, claims: dict[str, Any]) -> dict[str, list[str]]:
    """`<host>:<claim>` for every string (or list of strings) claim of the token."""
    context: dict[str, list[str]] = {}
    for claim, value in claims.items():
        values = [v for v in as_list(value) if isinstance(v, str)]
        if values and (isinstance(value, str) or len(values) == len(value)):
            context[f"{host}:{claim}".lower()] = values
    return context


# --------------------------------------------------------------------------------------
# The caller, as STS sees it
# --------------------------------------------------------------------------------------
def sts_caller(access_key: str, region: str) -> dict[str, str]:
    """account, principal_arn (aws:PrincipalArn), arn (GetCallerIdentity's), session_arn."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    for account_id, account in list(iam_backends.items()):
        backend = account["aws"]
        key = backend.access_keys.get(access_key)
        if key is None:
            continue
        _, arn, _ = sts_backends[account_id]["aws"].get_caller_identity(access_key, region)
        role_arn = getattr(key, "role_arn", None)
        if role_arn:
            return {"account": account_id, "principal_arn": role_arn, "session_arn": arn, "arn": arn}
        user = backend.get_user_from_access_key_id(access_key)
        principal = user.arn if user else f"arn:aws:iam::{account_id}:root"
        return {"account": account_id, "principal_arn": principal, "arn": arn}
    _, arn, _ = sts_backends[DEFAULT_ACCOUNT_ID]["aws"].get_caller_identity(access_key, region)
    return {"account": DEFAULT_ACCOUNT_ID, "principal_arn": f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:root", "arn": arn}


def find_role(role_arn: str | None) -> Any:
    from moto.iam.models import iam_backends

    match = ROLE_ARN.match(role_arn or "")
    if not match or match.group(1) not in iam_backends:
        return None
    try:
        return iam_backends[match.group(1)]["aws"].get_role_by_arn(role_arn)
    except Exception:
        return None


def trust_document(role: Any) -> str:
    document = role.assume_role_policy_document
    if isinstance(document, dict):
        return json.dumps(document)
    from urllib.parse import unquote

    text = str(document or "")
    return text if text.lstrip().startswith("{") else unquote(text)


def _errors() -> tuple[Any, Any]:
    from moto.core.exceptions import AccessDeniedError
    from moto.sts.exceptions import STSClientError

    class StsAccessDenied(AccessDeniedError):
        """AccessDenied, HTTP 403, with STS's own message."""

        def __init__(self, message: str):
            super(AccessDeniedError, self).__init__("AccessDenied", message)

    return StsAccessDenied, STSClientError


# --------------------------------------------------------------------------------------
# Rule R12: AssumeRole and AssumeRoleWithWebIdentity evaluate the role's trust policy.
# --------------------------------------------------------------------------------------
def _rule_trust_policy(applied: list[str]) -> None:
    from moto.iam.models import iam_backends
    from moto.sts.responses import TokenResponse

    access_denied, sts_error = _errors()
    original_assume = TokenResponse.assume_role
    original_web = TokenResponse.assume_role_with_web_identity

    def assume_role(self: Any) -> Any:
        role_arn = self._get_param("RoleArn")
        caller = sts_caller(self.get_access_key(), self.region)
        role = find_role(role_arn)
        allowed = role is not None and (
            trust_decision(
                trust_document(role),
                "sts:AssumeRole",
                lambda principal: aws_principal_matches(principal, caller),
                assume_role_context(caller, self._get_param("ExternalId"), self._get_param("RoleSessionName")),
            )
            == ALLOW
        )
        if not allowed:
            raise access_denied(f"User: {caller['arn']} is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
        return original_assume(self)

    def assume_role_with_web_identity(self: Any) -> Any:
        role_arn = self._get_param("RoleArn")
        claims = jwt_claims(self._get_param("WebIdentityToken") or "")
        host = issuer_host(claims.get("iss")) if claims else None
        if claims is None or host is None:
            raise sts_error("InvalidIdentityToken", INVALID_TOKEN_MESSAGE)
        match = ROLE_ARN.match(role_arn or "")
        account = match.group(1) if match else None
        provider_arn = f"arn:aws:iam::{account}:oidc-provider/{host}"
        provider = iam_backends[account]["aws"].open_id_providers.get(provider_arn) if account in iam_backends else None
        if provider is None:
            raise sts_error("InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {claims['iss']}")
        audiences = [a for a in as_list(claims.get("aud")) if isinstance(a, str)]
        if not set(audiences) & set(provider.client_id_list or []):
            raise sts_error("InvalidIdentityToken", "Incorrect token audience")
        expires = claims.get("exp")
        now = int(time.time())
        if isinstance(expires, (int, float)) and expires <= now:
            raise sts_error(
                "ExpiredTokenException",
                f"Token expired: current date/time {now} must be before the expiration date/time {int(expires)}",
            )
        role = find_role(role_arn)
        allowed = role is not None and (
            trust_decision(
                trust_document(role),
                "sts:AssumeRoleWithWebIdentity",
                lambda principal: federated_principal_matches(principal, provider_arn),
                web_identity_context(host, claims),
            )
            == ALLOW
        )
        if not allowed:
            raise access_denied(WEB_IDENTITY_DENIED)
        answer = original_web(self)
        result = answer.result
        session = self._get_param("RoleSessionName")
        result["AssumedRoleUser"]["AssumedRoleId"] = f"{role.id}:{session}"
        result["SubjectFromWebIdentityToken"] = claims.get("sub")
        result["Provider"] = claims["iss"]
        result["Audience"] = audiences[0]
        return answer

    TokenResponse.assume_role = assume_role
    TokenResponse.assume_role_with_web_identity = assume_role_with_web_identity
    applied.append("sts: AssumeRole and AssumeRoleWithWebIdentity evaluate the role's trust policy (rule R12)")


# --------------------------------------------------------------------------------------
# Planting: the role AWS Organizations creates in an account it creates
# (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html):
# OrganizationAccountAccessRole, trusted by the management account, with administrator
# rights (the AWS managed AdministratorAccess, as the page for invited accounts attaches to
# "duplicate the role automatically set up for created accounts"; an inline policy of the
# same name and document if moto has not loaded the managed policies).
# --------------------------------------------------------------------------------------
ORGANIZATION_ROLE = "OrganizationAccountAccessRole"
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
ADMINISTRATOR_DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def organization_trust(management_account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{management_account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def plant_organization_account(body: dict[str, Any]) -> dict[str, Any]:
    """a member account the organization created: {account, managementAccount}"""
    from moto.iam.models import iam_backends

    account = required_text(body, "account")
    management = required_text(body, "managementAccount")
    for key, value in (("account", account), ("managementAccount", management)):
        if not ACCOUNT_ID.match(value):
            raise PlantingError(f"{key} must be a 12-digit AWS account id")
    if account == management:
        raise PlantingError("the management account is no member account: Organizations creates no role in it")
    iam = iam_backends[account]["aws"]
    trust = organization_trust(management)
    created = False
    try:
        role = iam.get_role(ORGANIZATION_ROLE)
    except Exception:
        role = None
    if role is not None and json.loads(trust_document(role)) != json.loads(trust):
        raise PlantingError(
            f"account {account} already has {ORGANIZATION_ROLE} with another trust policy: {trust_document(role)}"
        )
    if role is None:
        role = iam.create_role(
            role_name=ORGANIZATION_ROLE,
            assume_role_policy_document=trust,
            path="/",
            permissions_boundary=None,
            description="",
            tags=[],
            max_session_duration="3600",
        )
        created = True
    if ADMINISTRATOR_ACCESS in {p.arn for p in iam.managed_policies.values()}:
        if ADMINISTRATOR_ACCESS not in role.managed_policies:
            iam.attach_role_policy(ADMINISTRATOR_ACCESS, ORGANIZATION_ROLE)
        policy = ADMINISTRATOR_ACCESS
    else:
        iam.put_role_policy(ORGANIZATION_ROLE, "AdministratorAccess", ADMINISTRATOR_DOCUMENT)
        policy = "inline AdministratorAccess"
    return {
        "account": account,
        "managementAccount": management,
        "role": role.arn,
        "trust": json.loads(trust),
        "policy": policy,
        "created": created,
    }


def _plant_organization_account(applied: list[str]) -> None:
    register(applied, "organization-account", plant_organization_account)


TRUST_RULES: list[Callable[[list[str]], None]] = [
    _rule_trust_policy,
    _plant_organization_account,
]

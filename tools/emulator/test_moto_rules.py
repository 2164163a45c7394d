"""Fast tests of the extensions' pure decisions (no server): python3 -m unittest, run from
tools/emulator (tools/emulator-test/python.emulator.test.ts runs them in npm run test:emulator).
Expected values are written out here, never taken from the tables under test.
"""

from __future__ import annotations

import json
import unittest

from moto_account_gaps import ALLOW, DENY, NEITHER, condition_holds, may_learn_absence, policy_decision, principal_matches
from moto_app_gaps import data_protection_problem
from moto_quota_gaps import unreserved_minimum
from moto_rds_engine_gaps import upgrade_targets, version_matches
from moto_recovery_gaps import Refused, subnet_group_change, user_modification
from moto_preflight_gaps import Refusal, cache_engine_versions, engine_version_matches, page, reserved_offerings
from moto_refusal_rules import max_storage_allowed, subnet_prefix_allowed
from moto_request_gaps import sdk_attempt
from moto_trust_rules import (
    ALLOW as TRUST_ALLOW,
    DENY as TRUST_DENY,
    NEITHER as TRUST_NEITHER,
    aws_principal_matches,
    condition_holds as trust_condition_holds,
    issuer_host,
    jwt_claims,
    trust_decision,
    web_identity_context,
    wildcard_matches,
)

EMAIL = "arn:aws:dataprotection::aws:data-identifier/EmailAddress"


def policy(audit_ids: list[str], mask_ids: list[str], **extra: object) -> str:
    return json.dumps(
        {
            "Version": "2021-06-01",
            "Statement": [
                {"DataIdentifier": audit_ids, "Operation": {"Audit": {"FindingsDestination": {}}}},
                {"DataIdentifier": mask_ids, "Operation": {"Deidentify": {"MaskConfig": {}}}},
            ],
            **extra,
        }
    )


class DataProtectionDocument(unittest.TestCase):
    def test_valid_document_in_any_identifier_order(self) -> None:
        self.assertIsNone(data_protection_problem(policy([EMAIL, "Mrn"], ["Mrn", EMAIL], Configuration={"CustomDataIdentifier": [{"Name": "Mrn", "Regex": "x"}]})))

    def test_length_limit_is_30720_characters(self) -> None:
        valid = policy([EMAIL], [EMAIL])
        padded = valid[:-1] + ', "Description": "' + "d" * (30720 - len(valid) - 19) + '"}'
        self.assertEqual(len(padded), 30720)
        self.assertIsNone(data_protection_problem(padded))
        longer = padded[:-2] + 'd"}'
        self.assertEqual(len(longer), 30721)
        self.assertEqual(data_protection_problem(longer), "The policy document is longer than 30720 characters.")

    def test_refusals(self) -> None:
        self.assertEqual(data_protection_problem("{"), "The policy document is not valid JSON.")
        self.assertEqual(data_protection_problem(policy([EMAIL], [EMAIL], Extra=1)), "Unknown policy field(s): Extra.")
        self.assertEqual(
            data_protection_problem(policy([EMAIL], [EMAIL], Version="2012-10-17")), "Version must be 2021-06-01."
        )
        self.assertEqual(
            data_protection_problem(policy([], [])), "The first statement must have a non-empty DataIdentifier array."
        )


class SubnetPrefix(unittest.TestCase):
    def test_sixteen_to_twenty_eight(self) -> None:
        self.assertEqual(
            [subnet_prefix_allowed(f"10.0.0.0/{p}") for p in (15, 16, 28, 29)], [False, True, True, False]
        )

    def test_not_a_cidr_is_left_to_moto(self) -> None:
        self.assertTrue(subnet_prefix_allowed("not-a-cidr"))


class MaxStorage(unittest.TestCase):
    def test_ceiling_at_least_110_percent(self) -> None:
        self.assertEqual([max_storage_allowed(100, m) for m in (109, 110)], [False, True])
        self.assertEqual([max_storage_allowed(20, m) for m in (21, 22)], [False, True])


class LambdaMinimum(unittest.TestCase):
    def test_minimum_is_100_or_the_quota_below_it(self) -> None:
        self.assertEqual([unreserved_minimum(q) for q in (10, 99, 100, 101, 1000)], [10, 99, 100, 100, 100])


class EngineVersions(unittest.TestCase):
    def test_a_major_matches_its_minors_only(self) -> None:
        self.assertEqual(
            [version_matches(v, "16") for v in ("16", "16.4", "161.0", "17.1")], [True, True, False, False]
        )
        self.assertEqual([version_matches(v, "16.4") for v in ("16.4", "16.40")], [True, False])

    def test_upgrade_targets_are_later_versions(self) -> None:
        targets = upgrade_targets("15.10", ["15.8", "15.10", "15.12", "16.4"])
        self.assertEqual([(t["EngineVersion"], t["IsMajorVersionUpgrade"]) for t in targets], [("15.12", False), ("16.4", True)])


class CrossAccountPolicy(unittest.TestCase):
    dev = {"account": "111111111111", "role_arn": "arn:aws:iam::111111111111:role/deploy"}

    def test_principals(self) -> None:
        self.assertEqual(
            [
                principal_matches(p, self.dev)
                for p in (
                    "*",
                    {"AWS": "111111111111"},
                    {"AWS": "arn:aws:iam::111111111111:root"},
                    {"AWS": ["arn:aws:iam::111111111111:role/deploy"]},
                    {"AWS": "arn:aws:iam::222222222222:role/deploy"},
                    {"Service": "config.amazonaws.com"},
                )
            ],
            [True, True, True, True, False, False],
        )

    def test_conditions(self) -> None:
        context = {"s3:prefix": "dev/a", "aws:securetransport": "true"}
        self.assertTrue(condition_holds({"StringLike": {"s3:prefix": "dev/*"}}, context))
        self.assertFalse(condition_holds({"StringLike": {"s3:prefix": "prod/*"}}, context))
        self.assertFalse(condition_holds({"Bool": {"aws:SecureTransport": "false"}}, context))
        self.assertFalse(condition_holds({"StringEquals": {"aws:SourceAccount": "1"}}, context))  # absent key
        self.assertTrue(condition_holds({"StringNotEquals": {"aws:SourceAccount": "1"}}, context))
        self.assertIsNone(condition_holds({"NumericLessThan": {"s3:max-keys": "10"}}, context))
        self.assertIsNone(condition_holds({"StringEquals": {"s3:ExistingObjectTag/x": "y"}}, context))

    def test_deny_wins_and_nothing_is_no_allow(self) -> None:
        allow = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        deny = {**allow, "Effect": "Deny", "Resource": "arn:aws:s3:::b/prod/*"}
        document = json.dumps({"Statement": [allow, deny]})
        self.assertEqual(policy_decision([document], "s3:GetObject", ["arn:aws:s3:::b/dev/x"], {}, self.dev), ALLOW)
        self.assertEqual(policy_decision([document], "s3:GetObject", ["arn:aws:s3:::b/prod/x"], {}, self.dev), DENY)
        self.assertEqual(policy_decision([document], "s3:PutObject", ["arn:aws:s3:::b/dev/x"], {}, self.dev), NEITHER)

    def test_a_missing_object_is_404_only_to_who_may_list_the_bucket(self) -> None:
        # S3 asks s3:ListBucket on the bucket with no s3:prefix before it answers 404.
        def listing(condition: dict[str, object] | None) -> str:
            statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
            if condition is not None:
                statement["Condition"] = condition
            return json.dumps({"Statement": [statement]})

        role = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}]})
        self.assertTrue(may_learn_absence([listing(None)], [role], "b", self.dev))
        # A prefix-scoped list right does not hold for a request that names one key.
        self.assertFalse(may_learn_absence([listing({"StringLike": {"s3:prefix": "dev/*"}})], [role], "b", self.dev))
        self.assertFalse(may_learn_absence([], [role], "b", self.dev))
        # Across accounts the caller's own policy must allow it too.
        self.assertFalse(may_learn_absence([listing(None)], [], "b", self.dev))


def refusal(call: object) -> tuple[str, str]:
    try:
        call()  # type: ignore[operator]
    except Refused as refused:
        return (refused.code, refused.message)
    raise AssertionError("not refused")


class ModifyUser(unittest.TestCase):
    def test_password_length_16_to_128(self) -> None:
        self.assertEqual(user_modification("iam", passwords=["p" * 16, "q" * 128]), ("password", ["p" * 16, "q" * 128]))
        for length in (15, 129):
            self.assertEqual(
                refusal(lambda: user_modification("iam", passwords=["p" * length])),
                ("InvalidParameterValue", "Passwords length must be between 16-128 characters."),
            )

    def test_at_most_two_passwords(self) -> None:
        self.assertEqual(
            refusal(lambda: user_modification("password", passwords=["p" * 16] * 3)),
            ("InvalidParameterValue", "A user can have at most 2 passwords."),
        )

    def test_combinations_refused(self) -> None:
        pw = ["p" * 20]
        cases = [
            (dict(passwords=pw, no_password_required=True), "No password required flag is true but passwords are provided"),
            (dict(passwords=pw, mode={"Type": "iam"}), "Password field is not allowed with authentication type: iam"),
            (dict(mode={"Type": "no-password-required", "Passwords": pw}), "Password field is not allowed with authentication type: no-password-required"),
            (dict(no_password_required=True, mode={"Type": "iam"}), "No password required flag is true but provided authentication type is iam"),
            (dict(mode={"Type": "password"}), "A user with Authentication Mode: password, must have at least one password"),
            (dict(passwords=pw, mode={"Type": "password", "Passwords": pw}), "Passwords provided via multiple arguments. Use only one argument"),
        ]
        for kwargs, message in cases:
            self.assertEqual(refusal(lambda: user_modification("iam", **kwargs)), ("InvalidParameterCombination", message))

    def test_values_refused(self) -> None:
        self.assertEqual(refusal(lambda: user_modification("iam", engine="memcached"))[0], "InvalidParameterValue")
        self.assertEqual(refusal(lambda: user_modification("iam", mode={"Type": "token"}))[0], "InvalidParameterValue")
        self.assertEqual(
            refusal(lambda: user_modification("no-password", no_password_required=False)),
            (
                "InvalidParameterValue",
                "No password was provided. If you want to create/update the user without password, "
                "please use the NoPasswordRequired flag.",
            ),
        )

    def test_outcomes(self) -> None:
        pw = ["p" * 20]
        self.assertIsNone(user_modification("iam", no_password_required=False))
        self.assertIsNone(user_modification("password", engine="VALKEY"))
        self.assertEqual(user_modification("password", mode={"Type": "iam"}), ("iam", []))
        self.assertEqual(user_modification("iam", no_password_required=True), ("no-password", []))
        self.assertEqual(user_modification("iam", mode={"Type": "no-password-required"}), ("no-password", []))
        self.assertEqual(user_modification("no-password", mode={"Type": "password", "Passwords": pw}), ("password", pw))


class CacheSubnetGroupChange(unittest.TestCase):
    known = {
        "subnet-a": ("vpc-1", "eu-west-1a"),
        "subnet-b": ("vpc-1", "eu-west-1b"),
        "subnet-c": ("vpc-1", "eu-west-1c"),
        "subnet-x": ("vpc-2", "eu-west-1a"),
    }

    def test_subnets_must_exist_in_one_vpc(self) -> None:
        self.assertIsNone(subnet_group_change(["subnet-a", "subnet-c"], self.known, "vpc-1", []))
        self.assertIsNone(subnet_group_change(["subnet-x"], self.known, "vpc-1", []))  # unused: may move
        self.assertEqual(
            refusal(lambda: subnet_group_change(["subnet-a", "subnet-z"], self.known, "vpc-1", [])),
            ("InvalidSubnet", "Subnet subnet-z does not exist."),
        )
        self.assertEqual(
            refusal(lambda: subnet_group_change(["subnet-a", "subnet-x"], self.known, "vpc-1", [])),
            ("InvalidSubnet", "The subnets are in more than one VPC: vpc-1, vpc-2."),
        )

    def test_a_group_in_use_keeps_its_vpc_and_node_zones(self) -> None:
        zones = ["eu-west-1a", "eu-west-1b"]
        self.assertIsNone(subnet_group_change(["subnet-a", "subnet-b", "subnet-c"], self.known, "vpc-1", zones))
        self.assertEqual(
            refusal(lambda: subnet_group_change(["subnet-a", "subnet-c"], self.known, "vpc-1", zones)),
            ("SubnetInUse", "A cache node of this subnet group is in eu-west-1b; keep a subnet there."),
        )
        self.assertEqual(
            refusal(lambda: subnet_group_change(["subnet-x"], self.known, "vpc-1", ["eu-west-1a"]))[0], "InvalidSubnet"
        )



def b64(value: object) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


class TrustConditions(unittest.TestCase):
    def test_wildcards_are_star_and_question_mark_only(self) -> None:
        self.assertTrue(wildcard_matches("repo:o/r:ref:refs/heads/main", "repo:o/r:*"))
        self.assertTrue(wildcard_matches("ab", "a?"))
        self.assertFalse(wildcard_matches("abc", "a?"))
        self.assertFalse(wildcard_matches("a", "[a]"))
        self.assertTrue(wildcard_matches("[a]", "[a]"))
        self.assertTrue(wildcard_matches("STS:AssumeRole", "sts:assume*", ignore_case=True))

    def test_operators_and_absent_keys(self) -> None:
        context = {"sts:externalid": ["id-1"], "h:aud": ["sts.amazonaws.com"]}
        self.assertTrue(trust_condition_holds({"StringEquals": {"sts:ExternalId": ["id-0", "id-1"]}}, context))
        self.assertFalse(trust_condition_holds({"StringEquals": {"sts:ExternalId": "id-2"}}, context))
        self.assertFalse(trust_condition_holds({"StringEquals": {"h:sub": "x"}}, context))
        self.assertTrue(trust_condition_holds({"StringNotEquals": {"h:sub": "x"}}, context))
        self.assertTrue(trust_condition_holds({"StringEqualsIfExists": {"h:sub": "x"}}, context))
        self.assertTrue(trust_condition_holds({"Null": {"h:sub": "true", "h:aud": "false"}}, context))
        self.assertFalse(trust_condition_holds({"Null": {"h:aud": "true"}}, context))
        self.assertFalse(
            trust_condition_holds({"StringEquals": {"sts:ExternalId": "id-1", "h:aud": "other"}}, context)
        )
        self.assertIsNone(trust_condition_holds({"ForAnyValue:StringEquals": {"h:aud": "x"}}, context))
        self.assertIsNone(trust_condition_holds({"NumericLessThan": {"h:aud": "1"}}, context))

    def test_principals(self) -> None:
        session = {
            "account": "111111111111",
            "principal_arn": "arn:aws:iam::111111111111:role/admin",
            "session_arn": "arn:aws:sts::111111111111:assumed-role/admin/s",
        }
        for principal in (
            "*",
            {"AWS": "111111111111"},
            {"AWS": "arn:aws:iam::111111111111:root"},
            {"AWS": ["arn:aws:iam::222222222222:root", "arn:aws:iam::111111111111:role/admin"]},
            {"AWS": "arn:aws:sts::111111111111:assumed-role/admin/s"},
        ):
            self.assertTrue(aws_principal_matches(principal, session), principal)
        for principal in (
            {"AWS": "222222222222"},
            {"AWS": "arn:aws:iam::111111111111:role/other"},
            {"Service": "ec2.amazonaws.com"},
            {"Federated": "arn:aws:iam::111111111111:oidc-provider/x"},
        ):
            self.assertFalse(aws_principal_matches(principal, session), principal)

    def test_deny_wins_and_nothing_is_no_allow(self) -> None:
        root = {"AWS": "arn:aws:iam::123456789012:root"}
        allow = {"Effect": "Allow", "Principal": root, "Action": "sts:AssumeRole"}
        deny = {"Effect": "Deny", "Principal": "*", "Action": "sts:*"}
        caller = {"account": "123456789012", "principal_arn": "arn:aws:iam::123456789012:root"}
        decide = lambda *statements: trust_decision(  # noqa: E731
            json.dumps({"Statement": list(statements)}),
            "sts:AssumeRole",
            lambda principal: aws_principal_matches(principal, caller),
            {},
        )
        self.assertEqual(decide(allow), TRUST_ALLOW)
        self.assertEqual(decide(allow, deny), TRUST_DENY)
        self.assertEqual(decide({**allow, "Action": "sts:AssumeRoleWithWebIdentity"}), TRUST_NEITHER)
        self.assertEqual(decide({**allow, "NotPrincipal": root}), TRUST_NEITHER)
        self.assertEqual(decide({**allow, "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}), TRUST_NEITHER)
        self.assertEqual(decide({**deny, "Condition": {"DateLessThan": {"aws:CurrentTime": "x"}}}, allow), TRUST_ALLOW)
        self.assertEqual(
            trust_decision("not json", "sts:AssumeRole", lambda principal: True, {}), TRUST_NEITHER
        )


class WebIdentityToken(unittest.TestCase):
    def test_claims_of_a_jwt_without_verifying_it(self) -> None:
        claims = {"iss": "https://token.actions.githubusercontent.com", "sub": "repo:o/r:pull_request"}
        self.assertEqual(jwt_claims(f"{b64({'alg': 'none'})}.{b64(claims)}."), claims)
        self.assertEqual(jwt_claims(f"{b64({'alg': 'RS256'})}.{b64(claims)}.c2lnbmF0dXJl"), claims)

    def test_not_a_jwt(self) -> None:
        claims = b64({"iss": "https://x"})
        for token in ("plain-text", f"{b64({'alg': 'none'})}.{claims}", f".{claims}.", f"{b64([1])}.{claims}.", f"{b64({})}.bm90IGpzb24."):
            self.assertIsNone(jwt_claims(token), token)

    def test_issuer_host_and_claim_keys(self) -> None:
        self.assertEqual(issuer_host("https://token.actions.githubusercontent.com"), "token.actions.githubusercontent.com")
        self.assertIsNone(issuer_host("http://token.actions.githubusercontent.com"))
        self.assertIsNone(issuer_host("https://"))
        self.assertEqual(
            web_identity_context("h", {"sub": "s", "aud": ["a", "b"], "exp": 5, "mixed": ["a", 1], "Repo": "o/r"}),
            {"h:sub": ["s"], "h:aud": ["a", "b"], "h:repo": ["o/r"]},
        )


class CacheCatalog(unittest.TestCase):
    def test_engine_version_matching(self) -> None:
        self.assertTrue(engine_version_matches("7.1", "7.1"))
        self.assertTrue(engine_version_matches("7.1", "7"))
        self.assertTrue(engine_version_matches("6.2", "6.x"))
        self.assertTrue(engine_version_matches("1.6.22", "1.6"))
        self.assertFalse(engine_version_matches("7.1", "7.10"))
        self.assertFalse(engine_version_matches("17.1", "7"))

    def test_default_only_is_the_newest_per_engine(self) -> None:
        answer = cache_engine_versions({"Engine": "valkey", "EngineVersion": "8", "DefaultOnly": "true"})
        self.assertEqual([(v["EngineVersion"], v["CacheParameterGroupFamily"]) for v in answer], [("8.2", "valkey8")])

    def test_offering_filters(self) -> None:
        years = reserved_offerings({"CacheNodeType": "cache.t3.small", "ProductDescription": "memcached", "Duration": "1"})
        seconds = reserved_offerings({"CacheNodeType": "cache.t3.small", "ProductDescription": "memcached", "Duration": 31536000})
        self.assertEqual(years, seconds)
        self.assertEqual([o["OfferingType"] for o in years], ["No Upfront", "Partial Upfront", "All Upfront"])
        with self.assertRaises(Refusal) as refused:
            reserved_offerings({"Duration": "2"})
        self.assertEqual(refused.exception.code, "InvalidParameterValue")

    def test_paging_20_to_100(self) -> None:
        items = list(range(45))
        self.assertEqual(page(items, 20, None), (list(range(20)), "20"))
        self.assertEqual(page(items, 20, "40"), ([40, 41, 42, 43, 44], None))
        self.assertEqual(page(items, None, None), (items, None))
        self.assertEqual(page(items, 100, "45"), ([], None))
        for size, marker in ((19, None), (101, None), (20, "46"), (20, "x")):
            with self.assertRaises(Refusal):
                page(items, size, marker)


if __name__ == "__main__":
    unittest.main()


class SdkAttempt(unittest.TestCase):
    def test_invocation_and_attempt_from_the_sdk_headers(self) -> None:
        environ = {"HTTP_AMZ_SDK_INVOCATION_ID": "inv-1", "HTTP_AMZ_SDK_REQUEST": "attempt=2; max=25"}
        self.assertEqual(sdk_attempt(environ), ("inv-1", 2))
        self.assertEqual(sdk_attempt({**environ, "HTTP_AMZ_SDK_REQUEST": "attempt=1; max=3"}), ("inv-1", 1))

    def test_unmarked_requests_are_first_attempts(self) -> None:
        self.assertEqual(sdk_attempt({}), ("", 1))
        self.assertEqual(sdk_attempt({"HTTP_AMZ_SDK_REQUEST": "max=3; attempt=x"}), ("", 1))
        self.assertEqual(sdk_attempt({"HTTP_AMZ_SDK_REQUEST": "ttl=20260101T000000Z; attempt=3; max=3"}), ("", 3))

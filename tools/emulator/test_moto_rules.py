"""Fast tests of the extensions' pure decisions (no server): python3 -m unittest, run from
tools/emulator (tools/emulator-test/python.emulator.test.ts runs them in npm run test:emulator).
Expected values are written out here, never taken from the tables under test.
"""

from __future__ import annotations

import json
import unittest

from moto_account_gaps import ALLOW, DENY, NEITHER, condition_holds, policy_decision, principal_matches
from moto_app_gaps import data_protection_problem
from moto_quota_gaps import unreserved_minimum
from moto_rds_engine_gaps import upgrade_targets, version_matches
from moto_recovery_gaps import Refused, subnet_group_change, user_modification
from moto_refusal_rules import max_storage_allowed, subnet_prefix_allowed

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


if __name__ == "__main__":
    unittest.main()

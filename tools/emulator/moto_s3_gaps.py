"""Extension of moto 5.2.1 for S3 bucket settings, loaded by moto_server_ext.py: gaps 5 and 6
(docs/e2e.md), each closing what stops the synthesized Terraform from applying on moto.
"""

from __future__ import annotations

from typing import Any, Callable


# --------------------------------------------------------------------------------------
# Gap 5 (S3): a lifecycle rule's NoncurrentVersionExpiration.NewerNoncurrentVersions is
# dropped (moto keeps NoncurrentDays only). The provider waits after
# PutBucketLifecycleConfiguration until GetBucketLifecycleConfiguration returns the
# rules it sent, so `aws_s3_bucket_lifecycle_configuration` times out after 3 minutes
# (measured on the bootstrap stack's noncurrent-version rule). AWS stores the value;
# so do we, and return it.
# --------------------------------------------------------------------------------------
def _patch_s3_lifecycle_newer_noncurrent_versions(applied: list[str]) -> None:
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
    applied.append("s3: lifecycle NoncurrentVersionExpiration.NewerNoncurrentVersions is stored and returned")


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
def _patch_s3_conditional_bucket_policy(applied: list[str]) -> None:
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
    applied.append("s3: bucket-policy statements with a Condition are not evaluated (no request context)")


S3_PATCHES: list[Callable[[list[str]], None]] = [
    _patch_s3_lifecycle_newer_noncurrent_versions,
    _patch_s3_conditional_bucket_policy,
]

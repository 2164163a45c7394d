"""Extensions of moto 5.2.1 for the platform's application tier and the e2e lifecycle,
loaded by moto_server_ext.py. Each patch closes one gap, measured on `npm run test:e2e`,
that made the unchanged synthesized stacks fail to apply or re-plan clean on the emulator;
each makes the emulator answer the way AWS answers and none changes what a stack asks for.
Each takes the list of applied extensions and adds its one-line description.
"""

from __future__ import annotations

import secrets
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


APP_PATCHES: list[Callable[[list[str]], None]] = [
    _patch_lambda_configuration,
    _patch_rds_unique_resource_id,
]

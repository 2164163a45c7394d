"""Extensions of moto 5.2.1 for the PostgreSQL versions and instance classes a region
offers, loaded by moto_server_ext.py. The platform's deploy gate reads them with
`data "aws_rds_engine_version"` (postgres, the configured major, latest) and
`data "aws_rds_orderable_db_instance"` (that version, the configured class, gp3); moto
answers neither for postgres. A test can make a region lack versions
(POST /moto-api/healthcare/rds-engine-versions, moto_planting.py) to prove that a deploy
asking for one stops.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from moto_planting import REMOVED_ENGINE_VERSIONS, PlantingError, register, required_text

# --------------------------------------------------------------------------------------
# The catalog: RDS for PostgreSQL versions of majors 14-17 as AWS lists them
# (https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-versions.html),
# a realistic subset, the same in every region unless a test removes some. Release dates
# order them as the provider's `latest` does (CreateTime, then version).
# --------------------------------------------------------------------------------------
POSTGRES_VERSIONS: list[tuple[str, str]] = [
    ("14.13", "2024-08-08"),
    ("14.15", "2024-11-21"),
    ("14.17", "2025-02-20"),
    ("14.18", "2025-05-08"),
    ("15.8", "2024-08-08"),
    ("15.10", "2024-11-21"),
    ("15.12", "2025-02-20"),
    ("15.13", "2025-05-08"),
    ("16.4", "2024-08-08"),
    ("16.6", "2024-11-21"),
    ("16.8", "2025-02-20"),
    ("16.9", "2025-05-08"),
    ("17.2", "2024-11-21"),
    ("17.4", "2025-02-20"),
    ("17.5", "2025-05-08"),
]
POSTGRES_DEFAULT_VERSION = "17.4"
POSTGRES_MAJORS = sorted({v.split(".")[0] for v, _ in POSTGRES_VERSIONS}, key=int)

# Instance classes the profiles use (db.t4g.medium, db.t4g.large, db.r6g.large) and more.
POSTGRES_INSTANCE_CLASSES = [
    "db.t3.micro",
    "db.t3.small",
    "db.t3.medium",
    "db.t4g.micro",
    "db.t4g.small",
    "db.t4g.medium",
    "db.t4g.large",
    "db.m5.large",
    "db.m6g.large",
    "db.m7g.large",
    "db.r5.large",
    "db.r6g.large",
    "db.r7g.large",
]
STORAGE_TYPES = ["gp2", "gp3", "io1"]


def major_of(version: str) -> str:
    return version.split(".")[0]


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def version_matches(version: str, wanted: str) -> bool:
    """AWS matches a major ("16") to each of its minors, a full version only to itself."""
    return version == wanted or version.startswith(f"{wanted}.")


def offered_versions(region: str, engine: str = "postgres") -> list[str]:
    """The versions the region offers: the catalog less what a test made it lack."""
    if engine != "postgres":
        return []
    removed = REMOVED_ENGINE_VERSIONS.get((region, engine), set())
    return [v for v, _ in POSTGRES_VERSIONS if not any(version_matches(v, r) for r in removed)]


def upgrade_targets(version: str, offered: list[str]) -> list[dict[str, Any]]:
    """Later minors of the same major, and every version of a later major (major upgrades)."""
    targets = []
    for target in offered:
        if version_key(target) <= version_key(version):
            continue
        major_upgrade = major_of(target) != major_of(version)
        targets.append(
            {
                "Engine": "postgres",
                "EngineVersion": target,
                "Description": f"PostgreSQL {target}-R1",
                "AutoUpgrade": False,
                "IsMajorVersionUpgrade": major_upgrade,
                "SupportedEngineModes": ["provisioned"],
                "SupportsParallelQuery": False,
                "SupportsGlobalDatabases": False,
                "SupportsBabelfish": False,
                "SupportsLimitlessDatabase": False,
                "SupportsLocalWriteForwarding": False,
                "SupportsIntegrations": False,
            }
        )
    return targets


def engine_version_answer(version: str, offered: list[str], character_sets: bool) -> dict[str, Any]:
    created = dict(POSTGRES_VERSIONS)[version]
    answer: dict[str, Any] = {
        "Engine": "postgres",
        "MajorEngineVersion": major_of(version),
        "EngineVersion": version,
        "DBParameterGroupFamily": f"postgres{major_of(version)}",
        "DBEngineDescription": "PostgreSQL",
        "DBEngineVersionDescription": f"PostgreSQL {version}-R1",
        "ValidUpgradeTarget": upgrade_targets(version, offered),
        "ExportableLogTypes": ["postgresql", "upgrade"],
        "SupportsLogExportsToCloudwatchLogs": True,
        "SupportsReadReplica": True,
        "SupportedEngineModes": ["provisioned"],
        "SupportedFeatureNames": ["Lambda", "s3Export", "s3Import"],
        "Status": "available",
        "SupportsParallelQuery": False,
        "SupportsGlobalDatabases": False,
        "SupportsBabelfish": False,
        "SupportsLimitlessDatabase": False,
        "SupportsCertificateRotationWithoutRestart": True,
        "SupportedCACertificateIdentifiers": ["rds-ca-ecc384-g1", "rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"],
        "SupportsLocalWriteForwarding": False,
        "SupportsIntegrations": False,
        "CreateTime": datetime.fromisoformat(created).replace(tzinfo=timezone.utc),
    }
    if character_sets:
        answer["SupportedCharacterSets"] = [{"CharacterSetName": "UTF8", "CharacterSetDescription": "Unicode, 8-bit"}]
    return answer


def describe_engine_versions(region: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """params as moto's RDS responses parse them (snake_case: engine, engine_version, ...)."""
    engine = params.get("engine") or "postgres"
    offered = offered_versions(region, engine)
    chosen = offered
    wanted = params.get("engine_version")
    if wanted:
        chosen = [v for v in chosen if version_matches(v, str(wanted))]
    family = params.get("db_parameter_group_family")
    if family:
        chosen = [v for v in chosen if f"postgres{major_of(v)}" == family]
    if truthy(params.get("default_only")):
        # The default version, or the newest of what matches when the default is not among it.
        defaults = [v for v in chosen if v == POSTGRES_DEFAULT_VERSION]
        chosen = defaults or sorted(chosen, key=version_key)[-1:]
    return [engine_version_answer(v, offered, truthy(params.get("list_supported_character_sets"))) for v in chosen]


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def orderable_answer(region: str, version: str, instance_class: str, storage: str) -> dict[str, Any]:
    provisioned_iops = storage in ("io1", "gp3")
    answer: dict[str, Any] = {
        "Engine": "postgres",
        "EngineVersion": version,
        "DBInstanceClass": instance_class,
        "LicenseModel": "postgresql-license",
        "AvailabilityZones": [{"Name": f"{region}{zone}"} for zone in "abc"],
        "MultiAZCapable": True,
        "ReadReplicaCapable": True,
        "Vpc": True,
        "SupportsStorageEncryption": True,
        "StorageType": storage,
        "SupportsIops": provisioned_iops,
        "SupportsStorageThroughput": storage == "gp3",
        "SupportsEnhancedMonitoring": True,
        "SupportsIAMDatabaseAuthentication": True,
        "SupportsPerformanceInsights": True,
        "MinStorageSize": 100 if storage == "io1" else 20,
        "MaxStorageSize": 65536,
        "SupportedEngineModes": ["provisioned"],
        "SupportsStorageAutoscaling": True,
        "SupportsKerberosAuthentication": True,
        "OutpostCapable": False,
        "SupportedActivityStreamModes": [],
        "SupportsGlobalDatabases": False,
        "SupportsClusters": False,
        "SupportedNetworkTypes": ["IPV4", "DUAL"],
        "SupportsDedicatedLogVolume": True,
    }
    if storage == "io1":
        answer.update(MinIopsPerDbInstance=1000, MaxIopsPerDbInstance=256000, MinIopsPerGib=1.0, MaxIopsPerGib=1000.0)
    if storage == "gp3":
        answer.update(
            MinIopsPerDbInstance=3000,
            MaxIopsPerDbInstance=64000,
            MinIopsPerGib=0.5,
            MaxIopsPerGib=1000.0,
            MinStorageThroughputPerDbInstance=125,
            MaxStorageThroughputPerDbInstance=4000,
            MinStorageThroughputPerIops=0.0,
            MaxStorageThroughputPerIops=0.25,
        )
    return answer


def describe_orderable(region: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """params as moto's RDS responses parse them (snake_case)."""
    versions = offered_versions(region, "postgres")
    wanted = params.get("engine_version")
    if wanted:
        versions = [v for v in versions if version_matches(v, str(wanted))]
    classes = POSTGRES_INSTANCE_CLASSES
    if params.get("db_instance_class"):
        classes = [c for c in classes if c == params["db_instance_class"]]
    if params.get("license_model") not in (None, "", "postgresql-license"):
        return []
    if params.get("vpc") is not None and not truthy(params.get("vpc")):
        return []
    return [orderable_answer(region, v, c, s) for v in versions for c in classes for s in STORAGE_TYPES]


# --------------------------------------------------------------------------------------
# Gap 20 (RDS): DescribeDBEngineVersions is not implemented (HTTP 500) and
# DescribeOrderableDBInstanceOptions answers only aurora-postgresql and neptune, so the
# platform's `data "aws_rds_engine_version"` and `data "aws_rds_orderable_db_instance"`
# (postgres) fail the plan. AWS lists each version with its parameter group family, status
# and upgrade targets
# (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBEngineVersions.html),
# a major version ("16") matching each of its minors, and one option per version, class and
# storage type
# (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeOrderableDBInstanceOptions.html);
# so do we, from the catalog above less what the region was made to lack.
# --------------------------------------------------------------------------------------
def _patch_engine_versions(applied: list[str]) -> None:
    from moto.core.responses import ActionResult
    from moto.rds.responses import RDSResponse

    def describe_db_engine_versions(self: Any) -> ActionResult:
        return ActionResult({"DBEngineVersions": describe_engine_versions(self.region, dict(self.params))})

    original_orderable = RDSResponse.describe_orderable_db_instance_options

    def describe_orderable_db_instance_options(self: Any) -> Any:
        if self.params.get("engine") != "postgres":
            return original_orderable(self)
        return ActionResult({"OrderableDBInstanceOptions": describe_orderable(self.region, dict(self.params))})

    RDSResponse.describe_db_engine_versions = describe_db_engine_versions
    RDSResponse.describe_orderable_db_instance_options = describe_orderable_db_instance_options
    applied.append("rds: DescribeDBEngineVersions and DescribeOrderableDBInstanceOptions for postgres 14-17")


# --------------------------------------------------------------------------------------
# Rule R8 (RDS): CreateDBInstance accepts any postgres engine version. AWS refuses a version
# the region does not offer with InvalidParameterCombination "Cannot find version <v> for
# postgres" (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html,
# EngineVersion: "For a list of valid engine versions, use the DescribeDBEngineVersions
# operation"); so do we for the majors of the catalog (14-17), whose versions we list.
# --------------------------------------------------------------------------------------
def _rule_engine_version_offered(applied: list[str]) -> None:
    from moto.rds.exceptions import InvalidParameterCombination
    from moto.rds.models import RDSBackend

    original_create = RDSBackend.create_db_instance

    def create_db_instance(self: Any, *args: Any, **kwargs: Any) -> Any:
        spec = args[0] if args else kwargs.get("db_kwargs", {})
        engine = spec.get("engine")
        version = spec.get("engine_version")
        if engine == "postgres" and version and major_of(str(version)) in POSTGRES_MAJORS:
            if not any(version_matches(v, str(version)) for v in offered_versions(self.region_name)):
                raise InvalidParameterCombination(f"Cannot find version {version} for postgres")
        return original_create(self, *args, **kwargs)

    RDSBackend.create_db_instance = create_db_instance
    applied.append("rds: CreateDBInstance refuses a postgres version the region does not offer (rule R8)")


def plant_engine_versions(body: dict[str, Any]) -> dict[str, Any]:
    """the engine versions a region lacks: {region, engine: "postgres", unavailable: ["16" | "16.4", ...]}"""
    region = required_text(body, "region")
    engine = body.get("engine", "postgres")
    if engine != "postgres":
        raise PlantingError('engine must be "postgres" (the only engine the emulator lists)')
    unavailable = body.get("unavailable")
    if not isinstance(unavailable, list) or not all(isinstance(v, str) and v for v in unavailable):
        raise PlantingError('unavailable must be a list of versions ("16" for every 16.x, or "16.4"); [] restores all')
    if unavailable:
        REMOVED_ENGINE_VERSIONS[(region, engine)] = set(unavailable)
    else:
        REMOVED_ENGINE_VERSIONS.pop((region, engine), None)
    return {"region": region, "engine": engine, "unavailable": sorted(unavailable), "offered": offered_versions(region, engine)}


def _plant_engine_versions(applied: list[str]) -> None:
    register(applied, "rds-engine-versions", plant_engine_versions)


RDS_ENGINE_PATCHES: list[Callable[[list[str]], None]] = [
    _patch_engine_versions,
    _rule_engine_version_offered,
    _plant_engine_versions,
]

/**
 * Final snapshot names AWS keeps after the database or cache is gone. A fixed name
 * (`<id>-final`) makes the second destroy of a re-created resource fail
 * (DBSnapshotAlreadyExists / SnapshotAlreadyExistsFault). The name therefore carries the
 * time of the plan that created the resource; the resource's
 * `lifecycle.ignore_changes = ["final_snapshot_identifier"]` keeps that creation-time
 * value in state, so later plans show no drift. `plantimestamp()` exists since
 * Terraform 1.5.
 */
export const FINAL_SNAPSHOT_TIMESTAMP = '${formatdate("YYYYMMDDhhmmss", plantimestamp())}';

/** Lifecycle attribute that must be ignored wherever finalSnapshotName is used. */
export const FINAL_SNAPSHOT_ATTRIBUTE = 'final_snapshot_identifier';

/** `<prefix>-final-<YYYYMMDDhhmmss>`: letters, digits and hyphens, as RDS and ElastiCache allow. */
export function finalSnapshotName(prefix: string): string {
  return `${prefix}-final-${FINAL_SNAPSHOT_TIMESTAMP}`;
}

/**
 * Releasing a lock whose holder is gone: `terraform force-unlock -force <ID>` in the run's
 * initialised stack folder, then both lock places are read again. Terraform 1.11 with both
 * `dynamodb_table` and `use_lockfile` removes the `.tflock` object and the DynamoDB item
 * (measured: docs/recovery.md); whatever it left of that same lock is removed with the SDK
 * and said so. A lock taken by someone else meanwhile (another ID) is never touched.
 */
import { Env, exec, StepOptions } from '../core';
import {
  heldLock,
  LockClients,
  LockInfo,
  readLock,
  removeLeftoverLock,
  StateLocation,
} from './lock';

export interface ReleaseResult {
  /** What happened, one line each, for the report. */
  readonly lines: readonly string[];
  /** The lock is free now (or held by a new, different lock). */
  readonly released: boolean;
}

export async function releaseLock(
  stackDir: string,
  env: Env,
  lock: LockInfo,
  location: Extract<StateLocation, { kind: 's3' }>,
  clients: LockClients,
  options: StepOptions,
): Promise<ReleaseResult> {
  const lines: string[] = [];
  await exec(['force-unlock', '-force', '-no-color', lock.ID], stackDir, env, options);
  lines.push(`terraform force-unlock -force ${lock.ID}: done (in ${stackDir})`);
  const after = await readLock(location, clients);
  const left = [after.dynamodb, after.lockfile].filter((l) => l?.ID === lock.ID);
  if (left.length > 0) {
    const removed = await removeLeftoverLock(location, clients, lock.ID);
    lines.push(
      `Terraform left ${removed.join(' and ')} of lock ${lock.ID}: removed with the AWS SDK.`,
    );
  }
  const now = heldLock(await readLock(location, clients));
  if (now && now.ID !== lock.ID) {
    lines.push(
      `A new lock ${now.ID} (${now.Operation} by ${now.Who} since ${now.Created}) was taken meanwhile: another run has started; it was not touched.`,
    );
  } else if (now) {
    return {
      lines: [...lines, `Lock ${lock.ID} is still held: release it by hand.`],
      released: false,
    };
  } else {
    lines.push('The state is unlocked.');
  }
  return { lines, released: true };
}

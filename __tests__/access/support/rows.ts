/**
 * The shape of an access-proof row and the one check every row gets: the simulated
 * decision (and, for a denial, its reason) must be the row's, the simulator must not have
 * ignored a context key, and a failure message is the row itself with its source.
 */
import {
  AccessRequest,
  Decision,
  DenyReason,
  evaluate,
  ignoredByTheSimulator,
  isResolvedHere,
} from './simulate';
import type { Target } from './targets';
import type { PolicyDocument } from './terraform-policies';

/** Who makes the request: an ARN, a service principal or `anonymous`, and its IAM policies. */
export interface Caller {
  readonly principal: string;
  readonly identityPolicies?: { name: string; policy: PolicyDocument }[];
}

export interface AccessRow<World> {
  /** The sentence a failure prints, e.g. "CloudWatch Logs encrypts the flow-log group with the logs key". */
  readonly row: string;
  readonly principal: (w: World) => Caller;
  readonly action: string;
  readonly resource: (w: World) => Target;
  readonly context?: (w: World) => Record<string, string | string[]>;
  readonly expect: Decision;
  /** Required for a denial: the reason AWS gives (explicit deny or no statement allows it). */
  readonly because?: DenyReason;
  /** The AWS page that says the service makes this call (or that this access must fail). */
  readonly source: string;
}

export function requestFor<World>(row: AccessRow<World>, world: World): AccessRequest {
  const caller = row.principal(world);
  const target = row.resource(world);
  return {
    principal: caller.principal,
    identityPolicies: caller.identityPolicies,
    action: row.action,
    resource: target.arn,
    resourceAccount: target.account,
    resourcePolicy: target.policy,
    context: row.context?.(world),
  };
}

/** Evaluates a row and throws an error whose message is the row when it does not hold. */
export async function proveRow<World>(row: AccessRow<World>, world: World): Promise<void> {
  if (row.expect === 'denied' && row.because === undefined) {
    throw new Error(`${row.row}: a "denied" row must say why (because)`);
  }
  const request = requestFor(row, world);
  const templated = Object.keys(request.context ?? {}).filter(isResolvedHere);
  if (templated.length > 0) {
    // Visible on purpose: the simulator skips these keys, so they are decided in simulate.ts.
    const ignored = await ignoredByTheSimulator(request);
    if (ignored.join() !== templated.join()) {
      throw new Error(
        `${row.row}\n  the simulator ignored [${ignored.join(', ')}], expected exactly the templated keys [${templated.join(', ')}]`,
      );
    }
  }
  const verdict = await evaluate(request);
  const got = verdict.decision === 'denied' ? `denied (${verdict.reason})` : 'allowed';
  const wanted = row.expect === 'denied' ? `denied (${row.because})` : 'allowed';
  if (got !== wanted) {
    const details = [
      `  expected ${wanted}, simulated ${got}`,
      `  request: ${request.principal} ${request.action} on ${request.resource}`,
      `  context: ${JSON.stringify(request.context ?? {})}`,
      ...verdict.denyingStatements.map((s) => `  denied by ${s}`),
      ...verdict.resolvedConditions.map((c) => `  resolved here: ${c}`),
      `  source: ${row.source}`,
    ];
    throw new Error(`${row.row}\n${details.join('\n')}`);
  }
}

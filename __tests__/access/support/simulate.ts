/**
 * Runs one request through @cloud-copilot/iam-simulate (AWS's evaluation logic: explicit
 * deny, resource and identity policies, same- and cross-account rules, KMS key policies
 * that delegate to the account) and says why it ended as it did.
 *
 * Two condition families are handled here, visibly, because the simulator ignores them:
 * templated encryption-context keys such as `kms:EncryptionContext:aws:logs:arn`, and the
 * claims of a GitHub Actions token (`token.actions.githubusercontent.com:sub` and `:aud`,
 * keys of an OIDC provider, absent from the service authorization data the simulator
 * knows). The simulator reports them under ignoredContextKeys and the statement then never
 * matches. `resolveConditions` decides each such condition against the request's context
 * (and records the decision), then the simulation runs with the condition resolved. Any
 * other ignored key fails the proof.
 */
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument, PolicyStatement } from './terraform-policies';

/** The families of context keys the simulator ignores and this module resolves. */
export const ENCRYPTION_CONTEXT_PREFIX = 'kms:EncryptionContext:';
export const GITHUB_TOKEN_PREFIX = 'token.actions.githubusercontent.com:';
export const RESOLVED_PREFIXES = [ENCRYPTION_CONTEXT_PREFIX, GITHUB_TOKEN_PREFIX] as const;

/** True for a context key of a family this module resolves. */
export const isResolvedHere = (key: string): boolean =>
  RESOLVED_PREFIXES.some((prefix) => key.startsWith(prefix));

export type Decision = 'allowed' | 'denied';
export type DenyReason = 'explicit deny' | 'no matching allow';

export interface AccessRequest {
  /** An IAM ARN, a service principal (`logs.eu-west-1.amazonaws.com`) or `anonymous`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context?: Record<string, string | string[]>;
  readonly resourcePolicy?: PolicyDocument;
  readonly identityPolicies?: { name: string; policy: PolicyDocument }[];
}

export interface Verdict {
  readonly decision: Decision;
  /** Why a request was denied; undefined when allowed. */
  readonly reason?: DenyReason;
  /** Sids (or statement positions) of the statements that denied it explicitly. */
  readonly denyingStatements: string[];
  /** The conditions decided here (encryption context, token claims), one line each. */
  readonly resolvedConditions: string[];
  /** Context keys the simulator reported as ignored (must be empty). */
  readonly ignoredContextKeys: string[];
}

const ARN_LIKE = new Set(['ArnLike', 'ArnEquals']);
const STRING_LIKE = new Set(['StringLike', 'StringEquals']);

/** IAM's `*`/`?` wildcards; `ArnLike` compares the six ARN fields separately. */
function globMatches(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}
function arnLikeMatches(pattern: string, value: string): boolean {
  const split = (arn: string) => {
    const parts = arn.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const v = split(value);
  return p.length === v.length && p.every((segment, i) => globMatches(segment, v[i]));
}

function conditionHolds(operator: string, patterns: string[], value: string | undefined): boolean {
  if (value === undefined) return false; // a positive operator on an absent key does not match
  if (ARN_LIKE.has(operator)) {
    return patterns.some((p) => (operator === 'ArnLike' ? arnLikeMatches(p, value) : p === value));
  }
  return patterns.some((p) => (operator === 'StringLike' ? globMatches(p, value) : p === value));
}

/**
 * Decides every condition on a key of a resolved family (`kms:EncryptionContext:<key>`, a
 * GitHub token claim) against the request context: a condition that holds is removed, a
 * statement whose condition fails is removed (it cannot apply). Only the positive operators
 * are supported; anything else stops the proof so it is never read as a silent deny.
 */
export function resolveConditions(
  policy: PolicyDocument,
  context: Record<string, string | string[]>,
  decisions: string[],
): PolicyDocument {
  const statements: PolicyStatement[] = [];
  for (const [index, statement] of policy.Statement.entries()) {
    const label = statement.Sid ?? `statement ${index}`;
    let applies = true;
    const condition: Record<string, Record<string, string | string[]>> = {};
    for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
      for (const [key, expected] of Object.entries(entries)) {
        if (!isResolvedHere(key)) {
          condition[operator] = { ...condition[operator], [key]: expected };
          continue;
        }
        if (!ARN_LIKE.has(operator) && !STRING_LIKE.has(operator)) {
          throw new Error(
            `${label}: ${operator} on ${key} is not resolved by the access proofs; extend resolveConditions`,
          );
        }
        const actual = context[key];
        const holds = conditionHolds(
          operator,
          [expected].flat(),
          Array.isArray(actual) ? actual[0] : actual,
        );
        decisions.push(
          `${label}: ${operator} ${key} ${JSON.stringify(expected)} vs ${JSON.stringify(actual ?? null)} → ${holds}`,
        );
        applies &&= holds;
      }
    }
    if (!applies) continue;
    const rest: PolicyStatement = { ...statement };
    delete rest.Condition;
    statements.push(Object.keys(condition).length > 0 ? { ...rest, Condition: condition } : rest);
  }
  return { ...policy, Statement: statements };
}

/** The encryption-context family's name for resolveConditions (the state backend's proofs). */
export const resolveEncryptionContext = resolveConditions;

function statementLabels(
  statements: { statement: { sid(): string | undefined; index(): number } }[] | undefined,
  policy: string,
): string[] {
  return (statements ?? []).map(
    (s) => `${policy}: ${s.statement.sid() ?? `statement ${s.statement.index()}`}`,
  );
}

/**
 * The global condition keys AWS sets on every request of an IAM principal and the
 * simulator leaves to its caller: aws:PrincipalArn and aws:PrincipalAccount
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 */
export function principalKeys(principal: string): Record<string, string> {
  const iam = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(principal);
  return iam ? { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': iam[1] } : {};
}

/** Evaluates a request; throws if the simulator rejects the input or ignores a key. */
export async function evaluate(request: AccessRequest): Promise<Verdict> {
  const context = request.context ?? {};
  const templated = Object.keys(context).filter(isResolvedHere);
  const plainContext = {
    ...principalKeys(request.principal),
    ...Object.fromEntries(Object.entries(context).filter(([k]) => !templated.includes(k))),
  };
  const resolvedConditions: string[] = [];
  const resolve = (p: PolicyDocument) => resolveConditions(p, context, resolvedConditions);

  const result = await runSimulation(
    {
      request: {
        principal: request.principal === 'anonymous' ? anonymousPrincipal : request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: plainContext,
      },
      identityPolicies: (request.identityPolicies ?? []).map((p) => ({
        name: p.name,
        policy: resolve(p.policy),
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy:
        request.resourcePolicy === undefined ? undefined : resolve(request.resourcePolicy),
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new Error(`the simulator rejected the request: ${JSON.stringify(result.errors)}`);
  }
  if (result.resultType !== 'single') {
    throw new Error(`expected one simulation for ${request.resource}, got ${result.resultType}`);
  }
  const { analysis, ignoredContextKeys = [] } = result.result;
  if (ignoredContextKeys.length > 0) {
    throw new Error(
      `the simulator ignored context keys ${ignoredContextKeys.join(', ')}: the proof would not test them`,
    );
  }
  const decision: Decision = analysis.result === 'Allowed' ? 'allowed' : 'denied';
  return {
    decision,
    reason:
      analysis.result === 'ExplicitlyDenied'
        ? 'explicit deny'
        : analysis.result === 'ImplicitlyDenied'
          ? 'no matching allow'
          : undefined,
    denyingStatements: [
      ...statementLabels(analysis.resourceAnalysis?.denyStatements, 'resource policy'),
      ...statementLabels(analysis.identityAnalysis?.denyStatements, 'identity policy'),
    ],
    resolvedConditions,
    ignoredContextKeys,
  };
}

/**
 * What the simulator does on its own with a templated key (no resolution here): the keys it
 * reports as ignored. The proofs assert this is exactly the templated keys, so a library
 * upgrade that starts evaluating them (or ignores others) shows up.
 */
export async function ignoredByTheSimulator(request: AccessRequest): Promise<string[]> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal === 'anonymous' ? anonymousPrincipal : request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context ?? {},
      },
      identityPolicies: request.identityPolicies ?? [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
    },
    {},
  );
  if (result.resultType !== 'single')
    throw new Error(`unexpected simulation result ${result.resultType}`);
  return result.result.ignoredContextKeys ?? [];
}

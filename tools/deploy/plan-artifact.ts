/**
 * A reviewed plan is the plan that is applied. Every plan is bound to its review by the
 * sha256 of the saved plan file (shown in the review and checked again just before the
 * apply) and, when saved for later (`npm run plan -- --save <dir>`), to a manifest: the
 * stack, the account and region, the commit, and a hash of the configuration the plan was
 * made from. `npm run deploy -- --plan <dir>` applies it only when all of these still match.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

export const PLAN_FILES = {
  plan: 'tfplan',
  json: 'plan.json',
  review: 'review.md',
  manifest: 'manifest.json',
} as const;

export const MANIFEST_VERSION = 1;

export interface PlanManifest {
  readonly version: typeof MANIFEST_VERSION;
  readonly stack: string;
  readonly kind: 'platform' | 'baseline' | 'bootstrap';
  /** The platform environment (platform stacks only). */
  readonly environment?: string;
  /** The account the plan was made in (STS, as the stack's deploy role when one is set), when known. */
  readonly accountId?: string;
  readonly region: string;
  /** `git rev-parse HEAD` of the checkout that planned, and whether it had changes. */
  readonly commit?: string;
  readonly dirty?: boolean;
  /** sha256 of the saved plan file: what the review describes. */
  readonly planSha256: string;
  /** sha256 over the stack folder's configuration (configHash). */
  readonly configSha256: string;
  readonly createdAt: string;
  readonly terraformVersion?: string;
  /** The plan guard overrides the plan was made with. */
  readonly guardAllow: readonly string[];
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** `sha256:1a2b3c4d5e6f` (12 hex digits): how a plan is named to a person. */
export function shortHash(sha256: string): string {
  return `sha256:${sha256.slice(0, 12)}`;
}

/** Files of a stack folder that are configuration (not Terraform's own working files). */
function configFiles(stackDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name === '.terraform' || entry.name.startsWith('tfplan')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  walk(stackDir);
  return files;
}

/**
 * The configuration a plan was made from: every file of the synthesized stack folder
 * (cdk.tf.json, the provider lock, override files, assets such as the function bundle),
 * by relative path and content. Two checkouts of one commit with the same settings give
 * the same hash; any change of settings or code that reaches the stack gives another.
 */
export function configHash(stackDir: string): string {
  const hash = createHash('sha256');
  for (const file of configFiles(stackDir)) {
    hash.update(relative(stackDir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Copies the plan, its JSON and review into `dir` and writes the manifest. */
export function savePlanArtifact(
  dir: string,
  files: { readonly planFile: string; readonly planJson: string; readonly reviewFile: string },
  manifest: PlanManifest,
): void {
  mkdirSync(dir, { recursive: true });
  copyFileSync(files.planFile, join(dir, PLAN_FILES.plan));
  copyFileSync(files.planJson, join(dir, PLAN_FILES.json));
  copyFileSync(files.reviewFile, join(dir, PLAN_FILES.review));
  writeFileSync(join(dir, PLAN_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
}

export interface PlanArtifact {
  readonly dir: string;
  readonly manifest: PlanManifest;
  readonly planFile: string;
  readonly planJson: string;
  readonly reviewFile: string;
}

/** Reads a saved plan folder; throws naming what is missing or malformed. */
export function readPlanArtifact(dir: string): PlanArtifact {
  const path = (name: string) => join(dir, name);
  const missing = Object.values(PLAN_FILES).filter((f) => !existsSync(path(f)));
  if (missing.length > 0) {
    throw new Error(
      `${dir} is not a saved plan: ${missing.join(', ')} missing (make one with npm run plan -- --save <dir>)`,
    );
  }
  const manifest = JSON.parse(readFileSync(path(PLAN_FILES.manifest), 'utf8')) as PlanManifest;
  if (manifest.version !== MANIFEST_VERSION || !manifest.planSha256 || !manifest.stack) {
    throw new Error(
      `${path(PLAN_FILES.manifest)} is not a plan manifest of version ${MANIFEST_VERSION}`,
    );
  }
  return {
    dir,
    manifest,
    planFile: path(PLAN_FILES.plan),
    planJson: path(PLAN_FILES.json),
    reviewFile: path(PLAN_FILES.review),
  };
}

/** What the applying run knows, to hold a saved plan against. */
export interface ApplyFacts {
  readonly stack: string;
  readonly accountId?: string;
  readonly region: string;
  readonly commit?: string;
  readonly configSha256: string;
  readonly now: Date;
  readonly maxAgeMs: number;
  /** sha256 of the plan file as it is now. */
  readonly planSha256: string;
}

/** @default 72 hours (PLAN_MAX_AGE_HOURS) */
export function maxPlanAgeMs(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.PLAN_MAX_AGE_HOURS?.trim();
  const hours = raw ? Number(raw) : 72;
  if (!Number.isFinite(hours) || hours <= 0) {
    throw new Error(`PLAN_MAX_AGE_HOURS = "${raw}": must be a positive number of hours`);
  }
  return hours * 3600 * 1000;
}

/**
 * Every reason not to apply a saved plan here and now; empty when it may be applied.
 * (Terraform itself also refuses a plan whose state moved since: "Saved plan is stale".)
 */
export function planArtifactProblems(manifest: PlanManifest, facts: ApplyFacts): string[] {
  const problems: string[] = [];
  if (facts.planSha256 !== manifest.planSha256) {
    problems.push(
      `the plan file changed since it was reviewed: ${shortHash(facts.planSha256)}, the review describes ${shortHash(manifest.planSha256)}`,
    );
  }
  if (manifest.stack !== facts.stack) {
    problems.push(`the plan was made for ${manifest.stack}, not ${facts.stack}`);
  }
  if (manifest.region !== facts.region) {
    problems.push(`the plan was made for region ${manifest.region}, not ${facts.region}`);
  }
  if (manifest.accountId && facts.accountId && manifest.accountId !== facts.accountId) {
    problems.push(
      `the plan was made for account ${manifest.accountId}, but this run acts in account ${facts.accountId} (its credentials, through the deploy role when one is set)`,
    );
  }
  if (manifest.commit && facts.commit && manifest.commit !== facts.commit) {
    problems.push(
      `the plan was made at commit ${manifest.commit.slice(0, 12)}, this checkout is at ${facts.commit.slice(0, 12)}`,
    );
  }
  if (manifest.configSha256 !== facts.configSha256) {
    problems.push(
      'the synthesized configuration differs from the one the plan was made from (other settings or code): plan again',
    );
  }
  const age = facts.now.getTime() - Date.parse(manifest.createdAt);
  if (!(age <= facts.maxAgeMs)) {
    problems.push(
      `the plan is ${Math.floor(age / 3600_000)} h old, older than ${Math.round(facts.maxAgeMs / 3600_000)} h (PLAN_MAX_AGE_HOURS): plan again`,
    );
  }
  return problems;
}

/** The plan file's size and time, for the log. */
export function describePlanFile(path: string): string {
  const s = statSync(path);
  return `${path} (${s.size} bytes, ${shortHash(sha256File(path))})`;
}

/**
 * The fault drill, on an environment of its own (E2E_DRILL_ENVIRONMENT, in dev's account,
 * beside dev's day-2 lifecycle): a first deploy whose every process is killed while the
 * database is being created (a lost CI runner) leaves the lock held and resources outside
 * the state, and `npm run recover` is the way back (release the dead holder's lock, adopt
 * the orphans through a reviewed plan); a deploy interrupted with Ctrl-C stops cleanly
 * (state written, lock released, nothing outside the state); then a deploy converges to one
 * network, one database and one cache under the names the synth gave; then it destroys.
 * Exercised end to end by `npm run test:e2e`.
 */
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { run, RunResult } from '../core';
import { npmRun, recoverRun } from './deploy-paths';
import { adoptableIn, descendants, synthesizedValue, taintedIn } from './drill-checks';
import { E2eRun, platformStack, StackInfo } from './e2e-run';
import type { E2ePhase } from './procedure';

type Phase = E2ePhase<E2eRun>;

/** A lost runner: the process and everything it started, SIGKILLed at once. */
function killTree(pid: number): number {
  const all = [pid, ...descendants(pid)];
  for (const p of all) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return all.length;
}

/** The database being created: the deploy tool echoes its first mark (`[10s elapsed]`), then each minute. */
const DATABASE_CREATING = /(aws_db_instance\.[A-Za-z0-9_-]+): Still creating\.\.\./;
/** Any resource whose creation just finished: the apply is under way. */
const CREATED = /(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+): Creation complete/;

/** `npm run deploy` of the lifecycle stack as its CI apply role, stopped on the first cue. */
function deployUntil(
  e2e: E2eRun,
  stack: StackInfo,
  log: string,
  cue: RegExp,
  stop: (pid: number) => void,
): Promise<{ result: RunResult; cued?: string }> {
  let cued: string | undefined;
  return npmRun(e2e, {
    script: 'deploy',
    args: ['--stack', stack.name, '--yes'],
    environment: stack.environment!,
    settings: stack.settings,
    credentials: e2e.deployerOf(stack),
    log,
    okCodes: [0, 1, 130, 137, 143],
    onLine: (line, pid) => {
      const match = cue.exec(line);
      if (cued || !match) return;
      cued = match[1] ?? match[0];
      stop(pid);
    },
  }).then((result) => ({ result, cued }));
}

async function lockFileExists(e2e: E2eRun, stack: StackInfo): Promise<boolean> {
  const backend = e2e.backendOf(stack.label)!;
  const s3 = new S3Client({ ...e2e.clientSettings(), forcePathStyle: true, maxAttempts: 2 });
  return s3
    .send(new HeadObjectCommand({ Bucket: backend.bucket, Key: `${backend.key}.tflock` }))
    .then(
      () => true,
      (error: { name?: string }) => {
        if (error.name === 'NotFound') return false;
        throw error;
      },
    );
}

/** Outputs that carry the environment's names (a recovered deploy must not change them). */
const NAMED_OUTPUTS = [
  'readiness_function_name',
  'redis_user_id',
  'api_stage_name',
  'readiness_database_user',
] as const;

/** The drill's platform stack, if the run has one. */
function drillStack(e2e: E2eRun): string | undefined {
  const drill = e2e.settings.drillEnvironment;
  return drill && !e2e.settings.skipPlatform ? platformStack(drill) : undefined;
}

const skipUnlessDrill = (e2e: E2eRun) =>
  drillStack(e2e)
    ? undefined
    : 'no drill environment (E2E_DRILL_ENVIRONMENT blank, its account not deployed, or E2E_SKIP_PLATFORM)';

export const interruptedDeploy: Phase = {
  name: (e2e) => `Ctrl-C during npm run deploy of ${drillStack(e2e) ?? ''}, then npm run recover`,
  proves:
    'an interrupt during a deploy stops it cleanly: exit 130, the in-flight creation finished and recorded in the state, the lock released; what the interrupt left tainted, recover names and --untaint keeps; what a cancelled create left outside the state, recover finds and --adopt imports',
  skipWhen: skipUnlessDrill,
  async run(e2e, note) {
    const stack = e2e.stack(drillStack(e2e)!);
    const { result, cued } = await deployUntil(
      e2e,
      stack,
      `fault-sigint-${stack.label}.log`,
      CREATED,
      // A terminal's Ctrl-C reaches the foreground process group: npm and the deploy tool.
      (pid) => process.kill(-pid, 'SIGINT'),
    );
    const problems: string[] = [];
    if (!cued) problems.push('no creation was seen, so nothing was interrupted');
    if (result.code !== 130) problems.push(`npm run deploy exited ${result.code}, expected 130`);
    if (await lockFileExists(e2e, stack)) problems.push('the state lock is still held');
    await e2e.init(stack);
    const state = await run(
      'terraform',
      ['state', 'list'],
      e2e.stackOpts(stack, `fault-state-${stack.label}.log`),
    );
    const addresses = state.stdout.split('\n').filter(Boolean);
    if (!cued || !addresses.includes(cued))
      problems.push(`${cued} finished but is not in the state`);
    // The interrupt cancels the read-back of what was being created: Terraform keeps those
    // objects tainted, and replacing them would collide with their fixed names. recover
    // names them; --untaint keeps them. It also cancels a create request in flight, which the
    // service may already have taken (Terraform then never learns the object exists): recover
    // finds it outside the state and --adopt imports it. Nothing else may be left to do.
    const recovered = await recoverRun(
      e2e,
      stack,
      [],
      `fault-recover-after-sigint-${stack.label}.log`,
    );
    const tainted = taintedIn(recovered.stdout);
    const orphans = adoptableIn(recovered.stdout);
    let untainted = 'nothing tainted';
    if (tainted.length > 0) {
      const kept = await recoverRun(
        e2e,
        stack,
        ['--untaint', '--yes'],
        `fault-untaint-${stack.label}.log`,
      );
      // Exit 1 while an orphan still waits for --adopt.
      const expectedCode = orphans.length > 0 ? 1 : 0;
      if (
        kept.code !== expectedCode ||
        taintedIn(kept.stdout, 'untainted').join() !== tainted.join()
      )
        problems.push(
          `npm run recover --untaint did not keep the ${tainted.length} tainted object(s) (exit ${kept.code}):\n${kept.stdout.slice(-2000)}`,
        );
      untainted = `${tainted.length} tainted by the interrupt, kept by recover --untaint`;
    }
    let outside = 'nothing outside the state';
    if (orphans.length > 0) {
      await recoverRun(
        e2e,
        stack,
        ['--adopt', '--yes'],
        `fault-adopt-after-sigint-${stack.label}.log`,
      );
      const after = await recoverRun(e2e, stack, [], `fault-recover-adopted-${stack.label}.log`);
      if (!after.stdout.includes(`Orphans of ${stack.name}: none.`))
        problems.push(
          `npm run recover --adopt left ${orphans.join(', ')} outside the state:\n${after.stdout.slice(-2000)}`,
        );
      outside = `${orphans.join(', ')} created by a cancelled request, adopted by recover --adopt`;
    } else if (tainted.length === 0 && recovered.code !== 0) {
      problems.push(
        `npm run recover found something to do after a clean interrupt:\n${recovered.stdout.slice(-2000)}`,
      );
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
    note(
      `interrupted at ${cued}; exit 130; ${addresses.length} addresses in state; lock free; ${untainted}; ${outside}`,
    );
  },
};

export const killedDeploy: Phase = {
  name: (e2e) =>
    `a lost runner (SIGKILL) during npm run deploy of ${drillStack(e2e) ?? ''}, then npm run recover`,
  proves:
    'a first deploy killed outright leaves the lock held and resources outside the state; npm run recover names the dead holder, releases its lock, adopts the orphans through a reviewed plan; the next deploy converges',
  skipWhen: skipUnlessDrill,
  async run(e2e, note) {
    const stack = e2e.stack(drillStack(e2e)!);
    let killed = 0;
    const { cued } = await deployUntil(
      e2e,
      stack,
      `fault-kill-${stack.label}.log`,
      DATABASE_CREATING,
      (pid) => {
        killed = killTree(pid);
      },
    );
    const problems: string[] = [];
    if (!cued) throw new Error('the database was never seen being created, so nothing was killed');
    if (!(await lockFileExists(e2e, stack)))
      problems.push('the killed run left no lock: expected one held');
    const seen = await recoverRun(e2e, stack, [], `fault-recover-${stack.label}.log`);
    if (seen.code !== 1 || !/gone/i.test(seen.stdout))
      problems.push(`recover did not report a dead holder (exit ${seen.code})`);
    if (!seen.stdout.includes(cued))
      problems.push(`recover did not list ${cued} as outside the state`);
    const adopted = await recoverRun(
      e2e,
      stack,
      ['--release-lock', '--adopt', '--yes'],
      `fault-adopt-${stack.label}.log`,
    );
    if (await lockFileExists(e2e, stack))
      problems.push('recover --release-lock left the lock held');
    if (problems.length > 0) throw new Error(problems.join('\n'));
    note(
      `killed ${killed} processes at ${cued}; recover released the lock and adopted (exit ${adopted.code})`,
    );
  },
};

export const convergeAfterRecovery: Phase = {
  name: (e2e) =>
    `deploy ${drillStack(e2e) ?? ''} after the recovery: one of each, the names synthesized`,
  proves:
    'after recover, a deploy completes; its account holds one VPC, one database and one cache of the environment, each under the name the synth gave it (nothing suffixed or doubled by the faults)',
  skipWhen: skipUnlessDrill,
  async run(e2e, note) {
    const stack = e2e.stack(drillStack(e2e)!);
    await npmRun(e2e, {
      script: 'deploy',
      args: ['--stack', stack.name, '--yes'],
      environment: stack.environment!,
      settings: stack.settings,
      credentials: e2e.deployerOf(stack),
      log: `fault-converge-${stack.label}.log`,
    });
    await e2e.recordDeployed(stack);
    await e2e.captureSecrets(stack);
    const settings = { ...e2e.clientSettings(stack.environment), maxAttempts: 2 };
    // The account is shared with another environment: what carries this one's tag or name.
    const vpcs =
      (
        await new EC2Client(settings).send(
          new DescribeVpcsCommand({
            Filters: [{ Name: 'tag:Environment', Values: [stack.environment!] }],
          }),
        )
      ).Vpcs ?? [];
    const database = synthesizedValue(stack.json, 'aws_db_instance', 'identifier');
    const dbs = (
      (await new RDSClient(settings).send(new DescribeDBInstancesCommand({}))).DBInstances ?? []
    ).filter((d) => d.DBInstanceIdentifier === database);
    const group = synthesizedValue(
      stack.json,
      'aws_elasticache_replication_group',
      'replication_group_id',
    );
    const caches = (
      (await new ElastiCacheClient(settings).send(new DescribeReplicationGroupsCommand({})))
        .ReplicationGroups ?? []
    ).filter((g) => g.ReplicationGroupId === group);
    const problems: string[] = [];
    if (vpcs.length !== 1)
      problems.push(
        `${vpcs.length} VPCs tagged Environment=${stack.environment}: ${vpcs.map((v) => v.VpcId).join(', ')}`,
      );
    if (dbs.length !== 1) problems.push(`${dbs.length} databases ${database}`);
    if (caches.length !== 1) problems.push(`${caches.length} replication groups ${group}`);
    const now = e2e.outputs[stack.label] ?? {};
    const named = NAMED_OUTPUTS.map((k) => [k, outputValue(stack.json, k)] as const);
    const changed = named
      .filter(([k, v]) => now[k] !== v)
      .map(([k, v]) => `${k}: ${String(now[k])}, synthesized ${v}`);
    if (changed.length > 0) problems.push(`names not as synthesized: ${changed.join('; ')}`);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    note(
      `${e2e.findings.resources[stack.label]} resources; 1 VPC, 1 database, 1 cache; ${NAMED_OUTPUTS.length} names as synthesized`,
    );
  },
};

/** An output's synthesized value: a literal, or the literal attribute it references. */
function outputValue(json: Record<string, unknown>, name: string): string {
  const value = ((json.output ?? {}) as Record<string, { value?: unknown }>)[name]?.value;
  const ref =
    typeof value === 'string'
      ? /^\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/.exec(value)
      : null;
  if (!ref) return String(value);
  return synthesizedValue(json, ref[1], ref[3], ref[2]);
}

export const destroyDrill: Phase = {
  name: (e2e) => `destroy ${drillStack(e2e) ?? ''}`,
  proves: 'the environment recovered from the faults destroys cleanly',
  skipWhen: skipUnlessDrill,
  async run(e2e, note) {
    await e2e.destroy(e2e.stack(drillStack(e2e)!), `destroy-drill.log`);
    note('destroyed');
  },
};

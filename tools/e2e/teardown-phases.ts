/**
 * The run's way out: the environments destroy (a production one refuses: prevent_destroy),
 * the accounts' baselines destroy (a production baseline refuses), nothing is left in any
 * account but what is protected, and the bootstrap refuses too before the emulator reset.
 * Exercised end to end by `npm run test:e2e`.
 */
import { ORG_ACCESS_ROLE, environmentAccount } from './accounts';
import { E2eRun, BOOTSTRAP, baselineLabel } from './e2e-run';
import { findLeftovers } from './leftovers';
import type { E2ePhase } from './procedure';

type Phase = E2ePhase<E2eRun>;

/** Destroys a stack, or proves its prevent_destroy refuses it (left to the emulator reset). */
async function destroyOrRefuse(e2e: E2eRun, label: string, note: (text: string) => void) {
  const stack = e2e.stack(label);
  if (stack.protectedResources.length > 0) {
    e2e.protectedDeployed = true;
    await e2e.expectDestroyRefused(stack);
    note(`${stack.protectedResources.length} protected resources; removed by the emulator reset`);
    return;
  }
  await e2e.destroy(stack);
  note('destroyed');
}

const isProtected = (e2e: E2eRun, label: string) => e2e.stack(label).protectedResources.length > 0;

export const destroyPlatform: Phase = {
  name: (e2e, label) =>
    isProtected(e2e, label) ? `destroy ${label} is refused (prevent_destroy)` : `destroy ${label}`,
  proves: 'an unprotected environment destroys cleanly; a protected one refuses destroy',
  forEachStack: (e2e) => e2e.platformStacks,
  skipWhen: (e2e, label) =>
    e2e.destroyed.has(label) ? 'already destroyed by the lifecycle phases' : undefined,
  run: (e2e, note, label) => destroyOrRefuse(e2e, label, note),
};

export const destroyBaselines: Phase = {
  name: (e2e, label) =>
    isProtected(e2e, label) ? `destroy ${label} is refused (prevent_destroy)` : `destroy ${label}`,
  proves:
    'an account baseline with the standard profile destroys cleanly once no environment needs it; the production one refuses',
  forEachStack: (e2e) => e2e.baselineStacks,
  run: (e2e, note, label) => destroyOrRefuse(e2e, label, note),
};

/**
 * One environment's teardown: its platform stack, then its account's baseline. The
 * environments' teardowns run side by side (phases.ts), each in its own account.
 */
export function teardownOf(environment: string): Phase[] {
  const ofEnvironment = (labels: readonly string[], e2e: E2eRun) =>
    labels.filter((l) => e2e.stack(l).environment === environment);
  return [
    { ...destroyPlatform, forEachStack: (e2e) => ofEnvironment(e2e.platformStacks, e2e) },
    { ...destroyBaselines, forEachStack: (e2e) => ofEnvironment(e2e.baselineStacks, e2e) },
  ];
}

export const nothingLeft: Phase = {
  name: 'nothing left but the bootstrap and what is protected',
  proves:
    "teardown leaves nothing in the tooling account but the state bootstrap, and nothing in an unprotected environment's account but what the organization made (its access role, its Config delivery bucket)",
  async run(e2e, note) {
    const outputs = e2e.outputs[BOOTSTRAP] ?? {};
    const resources = e2e.stack(BOOTSTRAP).json.resource as
      | Record<string, Record<string, { name?: string }>>
      | undefined;
    const left = await findLeftovers(e2e.clientSettings(), {
      buckets: [String(outputs.state_bucket_name ?? '')],
      tables: [String(outputs.lock_table_name ?? '')],
      keyArns: [String(outputs.state_kms_key_arn ?? '')],
      aliases: Object.values(resources?.aws_kms_alias ?? {}).map((a) => String(a.name)),
    });
    const checked = ['tooling'];
    for (const environment of e2e.settings.environments) {
      const everythingGone =
        !isProtected(e2e, baselineLabel(environment)) &&
        e2e.platformStacks.every(
          (l) => e2e.stack(l).environment !== environment || !isProtected(e2e, l),
        );
      if (!everythingGone) continue;
      checked.push(environment);
      // What the organization made there outlives the environment: its access role and,
      // in a member account, the Config delivery bucket its recorder writes to.
      const organization = e2e.organizationServices.get(environment);
      const found = await findLeftovers(e2e.clientSettings(environment), {
        roles: [ORG_ACCESS_ROLE],
        buckets: organization ? [organization.deliveryBucket] : [],
      });
      left.push(...found.map((f) => `${environmentAccount(environment).accountId}: ${f}`));
    }
    if (left.length > 0) throw new Error(`left after destroy:\n  ${left.join('\n  ')}`);
    note(`0 resources in ${checked.join(', ')}`);
  },
};

export const destroyBootstrap: Phase = {
  name: `destroy ${BOOTSTRAP}: refused, then emulator reset`,
  proves: 'prevent_destroy protects the state bootstrap; after the reset nothing is left',
  async run(e2e, note) {
    await e2e.expectDestroyRefused(e2e.stack(BOOTSTRAP));
    await e2e.emulator!.reset();
    e2e.removeBootstrapState();
    const left = await findLeftovers(e2e.clientSettings());
    if (left.length > 0) throw new Error(`left after the reset:\n  ${left.join('\n  ')}`);
    note(
      'prevent_destroy refused destroy; reset the emulator and deleted the local bootstrap state',
    );
  },
};

/**
 * The e2e run, in order: each entry names a phase, says what it proves and does it; lanes run
 * the environments' work side by side (each in its own account). Add a phase by adding an
 * entry here. Exercised end to end by `npm run test:e2e`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeProviderSource, prepareTerraform, run } from '../core';
import { startEmulator } from '../emulator';
import {
  accountOwner,
  apiDomainOf,
  createOidcProvider,
  environmentAccount,
  importCertificate,
  organizationServices,
  stateKeyArnOf,
  vendAccount,
} from './accounts';
import { accountsApart, organizationServicesOutlive } from './account-checks';
import { integrationTests, planConverges, stateLock } from './check-phases';
import {
  BASELINE,
  baselineLabel,
  BOOTSTRAP,
  E2eRun,
  LOGS,
  OUTDIR,
  platformStack,
  WORK,
} from './e2e-run';
import { driftDrill } from './drift-drill';
import { taintedDatabaseDrill } from './taint-drill';
import { deployBaseline, deployByOperator, deployFromCi, gatesDrill } from './environment-phases';
import {
  convergeAfterRecovery,
  destroyDrill,
  interruptedDeploy,
  killedDeploy,
} from './fault-drill';
import { dayTwoChange, destroyLifecycle, LIFECYCLE_STEPS, majorUpgrade } from './lifecycle';
import type { E2eStep, E2ePhase } from './procedure';
import { noSecretAnywhere } from './secret-phase';
import { destroyBootstrap, nothingLeft, teardownOf } from './teardown-phases';

type Phase = E2ePhase<E2eRun>;

const prepare: Phase = {
  name: 'prepare',
  proves: 'terraform and the AWS provider (registry or mirror, as the machine has) are usable',
  async run(e2e, note) {
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(LOGS, { recursive: true });
    for (const tool of ['terraform', 'node', 'openssl']) {
      await run('sh', ['-c', `command -v ${tool}`]).catch(() => {
        throw new Error(`${tool} is not on PATH (see docs/e2e.md)`);
      });
    }
    if (fs.existsSync(e2e.bootstrapState)) {
      throw new Error(
        `${e2e.bootstrapState} exists: it may be the state of a real bootstrap. The e2e run keeps its ` +
          `own bootstrap state at that path and deletes it at the end, so it refuses to run; move the file away first.`,
      );
    }
    const tf = prepareTerraform(WORK);
    e2e.tf = tf;
    const version = await run('terraform', ['version', '-json'], { env: tf.env });
    note(
      `terraform ${JSON.parse(version.stdout).terraform_version}, hashicorp/aws ${tf.providerVersions.join(', ') || '(from the lock file)'} from ${describeProviderSource(tf.source)}`,
    );
  },
};

const startEmulatorPhase: Phase = {
  name: 'start emulator',
  proves: "the emulator (moto with the project's extensions) answers on loopback",
  async run(e2e, note) {
    e2e.emulator = await startEmulator({
      region: e2e.settings.region,
      logFile: path.join(LOGS, 'emulator.log'),
    });
    note(e2e.emulator.endpoint);
  },
};

const accounts: Phase = {
  name: 'accounts of the organization',
  proves:
    'each environment has an account of its own, reached from the tooling account through OrganizationAccountAccessRole; in the member account the organization already runs GuardDuty, Security Hub and Config; a production API has an issued certificate',
  async run(e2e, note) {
    const notes: string[] = [];
    for (const environment of e2e.settings.environments) {
      const account = environmentAccount(environment);
      e2e.admins.set(environment, await vendAccount(e2e.clientSettings(), account.accountId));
      const inAccount = e2e.clientSettings(environment);
      await createOidcProvider(inAccount);
      const made = [`${environment} ${account.accountId}`];
      if (account.baseline.BASELINE_GUARDDUTY === 'organization') {
        const services = await organizationServices(inAccount, account.accountId);
        e2e.organizationServices.set(environment, services);
        made.push(
          `organization's GuardDuty detector ${services.detectorId}, Security Hub, Config recorder → ${services.deliveryBucket}`,
        );
      }
      if (account.production && !e2e.settings.skipPlatform) {
        e2e.certificates[environment] = await importCertificate(
          inAccount,
          apiDomainOf(environment),
        );
        made.push(`certificate for ${apiDomainOf(environment)}`);
      }
      notes.push(made.join(', '));
    }
    note(notes.join('; ') || 'no environment: the tooling account only');
  },
};

const synthBootstrap: Phase = {
  name: `synth ${BOOTSTRAP}`,
  proves:
    'with central state and no STATE_KMS_KEY_ARN yet, the app writes the bootstrap alone (every other stack names the state key by the ARN it outputs)',
  async run(e2e, note) {
    // With the first environment's settings, as an operator would run it (none: the defaults).
    const stacks = await e2e.synthInto(
      path.join(OUTDIR, 'bootstrap'),
      e2e.settings.environments[0],
      {},
      'synth-bootstrap.log',
    );
    const names = stacks.map((s) => s.name);
    if (names.length !== 1 || names[0] !== BOOTSTRAP) {
      throw new Error(
        `the synth without STATE_KMS_KEY_ARN wrote ${names.join(', ')}, not ${BOOTSTRAP} alone`,
      );
    }
    // The tooling account's stack: no environment's, whichever synth wrote it.
    e2e.stacks.set(BOOTSTRAP, { ...stacks[0], environment: undefined });
    note(BOOTSTRAP);
  },
};

const deployBootstrap: Phase = {
  name: `deploy ${BOOTSTRAP} in the tooling account (local state)`,
  proves:
    "the central state bucket, lock table and key deploy, with each environment account's CI roles admitted to its own folder, and no empty output; its state_kms_key_arn is the key ARN the other stacks take",
  async run(e2e, note) {
    e2e.createdBootstrapState = true;
    const stack = e2e.stack(BOOTSTRAP);
    await e2e.deploy(stack);
    await e2e.captureSecrets(stack);
    e2e.stateKeyArn = stateKeyArnOf(e2e.outputs[BOOTSTRAP]);
    note(`${e2e.findings.resources[BOOTSTRAP]} resources; STATE_KMS_KEY_ARN=${e2e.stateKeyArn}`);
  },
};

const synthEnvironments: Phase = {
  name: 'synth the environments',
  proves:
    "with STATE_KMS_KEY_ARN from the deployed bootstrap, each environment's synth writes its platform stack and its account's baseline (the lifecycle environment at its initial settings), and the same bootstrap as the one deployed",
  async run(e2e, note) {
    const { environments, lifecycleEnvironment } = e2e.settings;
    const deployed = JSON.stringify(e2e.stack(BOOTSTRAP).json);
    for (const environment of environments) {
      const initial = environment === lifecycleEnvironment ? LIFECYCLE_STEPS.initial : {};
      const stacks = await e2e.synthInto(
        path.join(OUTDIR, environment),
        environment,
        initial,
        `synth-${environment}.log`,
      );
      for (const stack of stacks) {
        if (stack.name !== BOOTSTRAP) e2e.stacks.set(stack.label, stack);
        else if (JSON.stringify(stack.json) !== deployed) {
          throw new Error(
            `${environment}'s synth wrote another ${BOOTSTRAP} than the one deployed`,
          );
        }
      }
    }
    for (const wanted of e2e.allStacks) e2e.stack(wanted);
    const drill = e2e.settings.drillEnvironment;
    if (drill && !e2e.settings.skipPlatform) {
      // Its platform stack only: its synth writes its account owner's baseline, unchanged.
      const owner = e2e.stack(baselineLabel(accountOwner(drill)));
      for (const stack of await e2e.synthInto(
        path.join(OUTDIR, drill),
        drill,
        {},
        `synth-${drill}.log`,
      )) {
        if (stack.name === platformStack(drill)) e2e.stacks.set(stack.label, stack);
        else if (
          stack.name === BASELINE &&
          JSON.stringify(stack.json) !== JSON.stringify(owner.json)
        )
          throw new Error(`${drill}'s synth wrote another baseline than ${owner.label}`);
      }
      e2e.stack(platformStack(drill));
    }
    note([...e2e.stacks.keys()].join(', '));
  },
};

/** The environments' first deploys, side by side (dev from CI; prod by an operator after the drill). */
const firstDeploys: E2eStep<E2eRun> = {
  lanes: {
    dev: [deployBaseline('dev'), deployFromCi('dev')],
    prod: [gatesDrill('prod'), deployBaseline('prod'), deployByOperator('prod')],
  },
};

/**
 * Day 2, side by side: dev's lifecycle; the fault drill in dev's account; prod's drift, then
 * its database tainted and recovered.
 */
const dayTwo: E2eStep<E2eRun> = {
  lanes: {
    dev: [dayTwoChange, majorUpgrade, destroyLifecycle],
    drill: [killedDeploy, interruptedDeploy, convergeAfterRecovery, destroyDrill],
    prod: [driftDrill('prod'), taintedDatabaseDrill('prod')],
  },
};

/** Teardown, side by side: each environment's stack, then its account's baseline. */
const teardown: E2eStep<E2eRun> = {
  lanes: { dev: teardownOf('dev'), prod: teardownOf('prod') },
};

/** The e2e run, in the order it runs. */
export const E2E_PHASES: readonly E2eStep<E2eRun>[] = [
  prepare,
  startEmulatorPhase,
  accounts,
  synthBootstrap,
  deployBootstrap,
  synthEnvironments,
  firstDeploys,
  integrationTests,
  accountsApart,
  planConverges,
  stateLock,
  dayTwo,
  teardown,
  organizationServicesOutlive,
  nothingLeft,
  destroyBootstrap,
  noSecretAnywhere,
];

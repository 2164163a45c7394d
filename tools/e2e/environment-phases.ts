/**
 * Each environment's first deploy, in its own account, the way its team does it: the
 * account's baseline by the platform team (tooling credentials through
 * OrganizationAccountAccessRole); dev's platform from CI (the plan role saves a reviewed
 * plan, the apply role applies exactly that plan from another working copy); prod's by an
 * operator with `npm run deploy`, after a drill in which every deploy path refuses it while
 * its account lacks what it needs. Exercised end to end by `npm run test:e2e`.
 */
import * as path from 'node:path';
import { plantQuota, removePlantedQuota } from './planting';
import {
  ciCredentials,
  ciRoleArns,
  environmentAccount,
  githubSubject,
  TOOLING_ACCOUNT,
} from './accounts';
import { makeSecondCheckout, npmRun, planIdIn, SAVED_PLANS, tryEveryPath } from './deploy-paths';
import { gateDrillProblems } from './drill-checks';
import { baselineLabel, E2eRun, platformStack } from './e2e-run';
import type { E2ePhase } from './procedure';

type Phase = E2ePhase<E2eRun>;

const TOOLING = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** The baseline's API Gateway CloudWatch role, by the name the deploy gate looks for. */
const APIGW_CLOUDWATCH_ROLE = 'healthcare-apigw-cloudwatch';

const skipUnless = (environment: string, platform: boolean) => (e2e: E2eRun) => {
  if (!e2e.settings.environments.includes(environment))
    return `E2E_ENVIRONMENTS has no ${environment}`;
  if (platform && e2e.settings.skipPlatform) return 'E2E_SKIP_PLATFORM=1';
  return undefined;
};

/** The account's baseline, by the platform team; then the CI roles it made, as CI gets them. */
export function deployBaseline(environment: string): Phase {
  return {
    name: `deploy ${baselineLabel(environment)} (account ${environmentAccount(environment).accountId})`,
    proves:
      "the account baseline deploys into its account through OrganizationAccountAccessRole, its state in the central bucket under the account's folder; the CI roles it creates give a workflow credentials in that account",
    skipWhen: skipUnless(environment, false),
    async run(e2e, note) {
      const stack = e2e.stack(baselineLabel(environment));
      await e2e.deploy(stack);
      await e2e.captureSecrets(stack);
      const account = environmentAccount(environment).accountId;
      const roles = ciRoleArns(account, environment);
      const tooling = e2e.clientSettings();
      e2e.ci.set(environment, {
        plan: await ciCredentials(tooling, roles.plan, githubSubject('plan', environment)),
        apply: await ciCredentials(tooling, roles.apply, githubSubject('apply', environment)),
      });
      note(
        `${e2e.findings.resources[stack.label]} resources; CI roles ${roles.plan}, ${roles.apply}`,
      );
    },
  };
}

/** The marker a saved plan folder of the run lives under. */
const savedPlanDir = (environment: string, what: string) =>
  path.join(SAVED_PLANS, `${environment}-${what}`);

/**
 * dev from CI: the plan job (CI plan role, read-only) saves the reviewed plan; the apply job
 * (CI apply role) applies that very plan from a second working copy of the same commit.
 */
export function deployFromCi(environment: string): Phase {
  return {
    name: `deploy ${platformStack(environment)} from CI: saved plan (plan role) → apply from a second checkout (apply role)`,
    proves:
      "a plan saved by the read-only CI plan role is applied unchanged by the apply role from another working copy (same plan sha256, stack, account, commit and configuration); the environment's state lives in the tooling account's bucket, reached across accounts",
    skipWhen: skipUnless(environment, true),
    async run(e2e, note) {
      const ci = e2e.ci.get(environment)!;
      const dir = savedPlanDir(environment, 'initial');
      const planned = await npmRun(e2e, {
        script: 'plan',
        args: ['--stack', platformStack(environment), '--save', dir],
        environment,
        settings: e2e.stack(platformStack(environment)).settings,
        credentials: ci.plan,
        log: `ci-plan-${environment}.log`,
      });
      const reviewed = planIdIn(planned.stdout);
      const checkout = makeSecondCheckout();
      const applied = await npmRun(e2e, {
        script: 'deploy',
        args: ['--plan', dir, '--yes'],
        environment,
        settings: e2e.stack(platformStack(environment)).settings,
        credentials: ci.apply,
        cwd: checkout,
        log: `ci-apply-${environment}.log`,
      });
      const appliedId = planIdIn(applied.stdout);
      if (!reviewed || reviewed !== appliedId)
        throw new Error(`the applied plan ${appliedId} is not the reviewed plan ${reviewed}`);
      const stack = e2e.stack(platformStack(environment));
      await e2e.init(stack);
      await e2e.recordDeployed(stack);
      await e2e.captureSecrets(stack);
      note(`${reviewed} planned and applied; ${e2e.findings.resources[stack.label]} resources`);
    },
  };
}

/**
 * Before prod's account has its baseline and with its Lambda concurrency quota below what
 * the environment reserves plus AWS's unreserved minimum: `cdktf deploy`, `terraform apply`
 * and `npm run deploy` each refuse, before creating anything, with the same messages.
 */
export function gatesDrill(environment: string): Phase {
  return {
    name: `deploy gates on ${platformStack(environment)}: cdktf deploy, terraform apply and npm run deploy refuse alike`,
    proves:
      'with no account baseline and a Lambda concurrency quota too small, every deploy path stops before creating anything, each with the same messages (the gates live in the Terraform, and preflight prints the same text)',
    skipWhen: skipUnless(environment, true),
    async run(e2e, note) {
      const account = environmentAccount(environment).accountId;
      const stack = e2e.stack(platformStack(environment));
      await plantQuota(e2e, account, 'lambda', 'L-B99A9384', 100);
      let outputs: Awaited<ReturnType<typeof tryEveryPath>>;
      try {
        outputs = await tryEveryPath(e2e, stack, TOOLING, 'gates');
      } finally {
        await removePlantedQuota(e2e, account, 'lambda', 'L-B99A9384');
      }
      const { problems, limitations } = gateDrillProblems(outputs, {
        region: e2e.settings.region,
        roleName: APIGW_CLOUDWATCH_ROLE,
        quota: 100,
      });
      e2e.findings.limitations.push(...limitations);
      if (problems.length > 0) throw new Error(problems.join('\n'));
      note(
        `3 paths, 2 gates each (baseline missing; Lambda quota 100 planted in ${account}), nothing created; run by ${TOOLING_ACCOUNT}`,
      );
    },
  };
}

/** prod by an operator: `npm run deploy` with the tooling account's credentials and the deploy role. */
export function deployByOperator(environment: string): Phase {
  return {
    name: `deploy ${platformStack(environment)} by an operator (npm run deploy through its deploy role)`,
    proves:
      'an operator in the tooling account deploys the production environment into its own account through DEPLOY_ROLE_ARN (preflight, plan, review, guard, apply of the reviewed plan); the state stays in the tooling account',
    skipWhen: skipUnless(environment, true),
    async run(e2e, note) {
      const deployed = await npmRun(e2e, {
        script: 'deploy',
        args: ['--stack', platformStack(environment), '--yes'],
        environment,
        settings: e2e.stack(platformStack(environment)).settings,
        credentials: TOOLING,
        log: `operator-deploy-${environment}.log`,
      });
      const stack = e2e.stack(platformStack(environment));
      await e2e.init(stack);
      await e2e.recordDeployed(stack);
      await e2e.captureSecrets(stack);
      note(
        `${planIdIn(deployed.stdout) ?? 'plan'} applied; ${e2e.findings.resources[stack.label]} resources`,
      );
    },
  };
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  adoptableIn,
  descendants,
  gateDrillProblems,
  normalizedOutput,
  planIdIn,
  preconditionMessages,
  sectionOf,
  synthesizedValue,
  taintedIn,
  unreported,
} from '../../../tools/e2e/drill-checks';

/** Terraform 1.11's rendering of a failed precondition (-no-color), as `terraform apply` prints it. */
const APPLY_OUTPUT = [
  'data.aws_iam_roles.gate_baseline_roles: Read complete after 0s',
  '╷',
  '│ Error: Resource precondition failed',
  '│ ',
  '│   on cdk.tf.json line 2345, in resource.terraform_data.deploy_gates:',
  '│ 2345:           "condition": "${length(data.aws_iam_roles.gate_baseline_roles.names) == 1}",',
  '│     ├────────────────',
  '│     │ data.aws_iam_roles.gate_baseline_roles.names is empty set of string',
  '│ ',
  '│ API Gateway in eu-west-1 has no CloudWatch role healthcare-apigw-cloudwatch,',
  "│ which TapAccountBaseline creates: the API's execution logs could not be",
  '│ written',
  '│ fix: deploy TapAccountBaseline first (once per account and region), then run',
  '│ again',
  '╵',
  '╷',
  '│ Error: Resource precondition failed',
  '│ ',
  '│   on cdk.tf.json line 2350, in resource.terraform_data.deploy_gates:',
  '│ 2350:           "condition": "${data.aws_servicequotas_service_quota.gate_lambda_quota.value >= 111}",',
  '│ ',
  '│ Lambda in eu-west-1 has 100 concurrent executions',
  '╵',
].join('\n');

const BASELINE_MESSAGE =
  "API Gateway in eu-west-1 has no CloudWatch role healthcare-apigw-cloudwatch, which TapAccountBaseline creates: the API's execution logs could not be written fix: deploy TapAccountBaseline first (once per account and region), then run again";

describe('reading the deploy paths’ output', () => {
  it('finds the review’s plan id (sha256 and 12 hex digits), or nothing', () => {
    expect(planIdIn('Plan sha256:1386f3b76a3d; review: x')).toBe('sha256:1386f3b76a3d');
    expect(planIdIn('Saved plan `sha256:1386f3b76a3d25a0ad3b`')).toBe('sha256:1386f3b76a3d');
    expect(planIdIn('sha256:1386f3b76a3')).toBeUndefined(); // 11 digits: not an id
    expect(planIdIn('no plan here')).toBeUndefined();
  });

  it('takes each failed precondition’s message (its last paragraph), not the source snippet', () => {
    expect(preconditionMessages(APPLY_OUTPUT)).toEqual([
      BASELINE_MESSAGE,
      'Lambda in eu-west-1 has 100 concurrent executions',
    ]);
    expect(preconditionMessages('Apply complete! Resources: 1 added')).toEqual([]);
  });

  it('normalizes cdktf’s stack prefixes and a preflight table so the same message reads the same', () => {
    const cdktf = APPLY_OUTPUT.split('\n')
      .map((l) => `TapStackprod  ${l}`)
      .join('\n');
    expect(normalizedOutput(cdktf)).toContain(BASELINE_MESSAGE);
    const table = [
      '┃ prod (eu-west-1) │ account baseline │ FAIL │ API Gateway in eu-west-1 has no CloudWatch role     │',
      '┃                  │                  │      │ healthcare-apigw-cloudwatch, which                  │',
      "┃                  │                  │      │ TapAccountBaseline creates: the API's execution     │",
      '┃                  │                  │      │ logs could not be written                           │',
      '┃                  │                  │      │ fix: deploy TapAccountBaseline first (once per      │',
      '┃                  │                  │      │ account and region), then run again                 │',
    ].join('\n');
    expect(normalizedOutput(table)).toContain(BASELINE_MESSAGE);
    expect(normalizedOutput('a\n\n   b  c')).toBe('a b c');
  });
});

describe('the process tree a lost runner takes down', () => {
  let proc: string;
  beforeEach(() => {
    proc = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-'));
    // pid (comm) state ppid …: npm 100 → node 101 → terraform 102 → provider 103; 200 unrelated.
    const stat: Record<number, string> = {
      100: '100 (npm run deploy) S 1 100',
      101: '101 (node) S 100 100',
      102: '102 (terraform) S 101 102',
      103: '103 (terraform-provider-aws_v5.100.0_x5) S 102 102',
      104: '104 (a (tricky) name) S 101 100',
      200: '200 (bash) S 1 200',
    };
    for (const [pid, text] of Object.entries(stat)) {
      fs.mkdirSync(path.join(proc, pid));
      fs.writeFileSync(path.join(proc, pid, 'stat'), `${text} 0 0\n`);
    }
    fs.mkdirSync(path.join(proc, 'self'));
    fs.mkdirSync(path.join(proc, '999')); // a process that ended while the table was read
  });
  afterEach(() => fs.rmSync(proc, { recursive: true, force: true }));

  it('is every process below the runner, however deep and whatever its name', () => {
    expect(descendants(100, proc).sort()).toEqual([101, 102, 103, 104]);
    expect(descendants(102, proc)).toEqual([103]);
    expect(descendants(103, proc)).toEqual([]);
    expect(descendants(200, proc)).toEqual([]);
  });
});

const REPORT = [
  '## Drift: TapStackprod (environment `prod`)',
  '',
  '**Drifted**: 3 resources differ from the Terraform state (2 changed outside Terraform, 1 deleted).',
  '',
  '### Changed outside Terraform (2)',
  '',
  '#### `aws_cloudwatch_log_group.readiness_log-group_957608E5`',
  '',
  '| Attribute | In the state | Now |',
  '| --- | --- | --- |',
  '| `retention_in_days` | `2192` | `1` |',
  '',
  '#### `aws_vpc.network_vpc_1A2B3C4D`',
  '',
  '| Attribute | In the state | Now |',
  '| --- | --- | --- |',
  '| `tags_all.DataClassification` | `PHI` | `public` |',
  '',
  '### Deleted outside Terraform (1)',
  '',
  '- `aws_vpc_security_group_ingress_rule.database_ingress-from-application_619808BB`: the object no longer exists.',
  '',
  '### Security group rules Terraform does not manage (1)',
  '',
  '- `sgr-0abc123` on healthcare-db-prod: ingress tcp 5432 from 0.0.0.0/0',
].join('\n');

describe('reading a drift report', () => {
  it('cuts one resource’s section, up to the next heading', () => {
    expect(sectionOf(REPORT, 'aws_vpc.')).toBe(
      [
        '#### `aws_vpc.network_vpc_1A2B3C4D`',
        '',
        '| Attribute | In the state | Now |',
        '| --- | --- | --- |',
        '| `tags_all.DataClassification` | `PHI` | `public` |',
        '',
      ].join('\n'),
    );
    expect(sectionOf(REPORT, 'aws_db_instance.')).toBe('');
  });

  it('finds every planted change in a report that names them all', () => {
    expect(unreported(REPORT, { openRule: 'sgr-0abc123' })).toEqual([]);
  });

  it('names each planted change the report misses', () => {
    expect(unreported(REPORT, { openRule: 'sgr-0other' })).toEqual([
      'npm run drift did not report the rule opened to the internet',
    ]);
    const noRetention = REPORT.replace(
      '| `retention_in_days` | `2192` | `1` |',
      '| `retention_in_days` | `2192` | `7` |',
    );
    expect(unreported(noRetention, { openRule: 'sgr-0abc123' })).toEqual([
      'npm run drift did not report the retention (→ 1 day)',
    ]);
    // A tag changed on another resource is not the VPC's.
    const tagElsewhere = REPORT.replace(
      '`tags_all.DataClassification` | `PHI` | `public`',
      '`tags_all.Owner` | `a` | `b`',
    );
    expect(unreported(tagElsewhere, { openRule: 'sgr-0abc123' })).toEqual([
      'npm run drift did not report the VPC tag',
    ]);
    expect(
      unreported('## Drift: TapStackprod\n\n**Clean**', { openRule: 'sgr-0abc123' }),
    ).toHaveLength(4);
  });
});

describe('the gates drill’s verdict', () => {
  const LAMBDA_GATE = [
    '╷',
    '│ Error: Resource precondition failed',
    '│ ',
    '│   on cdk.tf.json line 3635, in resource.terraform_data.deploy_gates.lifecycle.precondition[6]:',
    '│ 3635:               "condition": "${data.aws_servicequotas_service_quota.lambda_concurrency.value >= 103}",',
    '│ ',
    '│ Lambda in eu-west-1 has 100 concurrent executions (account quota L-B99A9384);',
    '│ the environment reserves 3 and AWS keeps 100 unreserved, so at least 103 are needed',
    '│ fix: request a quota increase to at least 103',
    '╵',
  ].join('\n');
  const TERRAFORM = `${APPLY_OUTPUT.split('\n').slice(0, 16).join('\n')}\n${LAMBDA_GATE}`;
  const PREFLIGHT = [
    'prod (eu-west-1)  account baseline    FAIL   API Gateway in eu-west-1 has no CloudWatch role healthcare-apigw-cloudwatch, which',
    "                                               TapAccountBaseline creates: the API's execution logs could not be written",
    '                                             fix: deploy TapAccountBaseline first (once per account and region), then run again',
    'prod (eu-west-1)  Lambda concurrency  FAIL   Lambda in eu-west-1 has 100 concurrent executions that no other function reserves',
    '                                               (account limit 100, unreserved 100); the environment reserves 3 and AWS keeps 100',
    '                                               unreserved, so at least 103 are needed',
    '                                             fix: request a quota increase to at least 103',
  ].join('\n');
  const expected = { region: 'eu-west-1', roleName: 'healthcare-apigw-cloudwatch', quota: 100 };

  it('passes when every path says both, and notes cdktf-cli 0.21’s silence as a limitation', () => {
    const verdict = gateDrillProblems(
      {
        'cdktf deploy': 'Plan: 133 to add\nInvoking Terraform CLI failed with exit code 1',
        'terraform apply': TERRAFORM,
        'npm run deploy': PREFLIGHT,
      },
      expected,
    );
    expect(verdict.problems).toEqual([]);
    expect(verdict.limitations).toEqual([
      'cdktf-cli 0.21 refused the deploy but printed no Terraform diagnostics (fixed in cdktn-cli 0.23, open-constructs/cdk-terrain#169); the message is the same Terraform printed on terraform apply',
    ]);
  });

  it('fails a path that created something or said another thing, and a quota one off', () => {
    const verdict = gateDrillProblems(
      {
        'cdktf deploy': `${TERRAFORM}\naws_vpc.x: Creation complete after 1s`,
        'terraform apply': TERRAFORM,
        'npm run deploy': PREFLIGHT.replace('at least 103 are needed', 'at least 104 are needed'),
      },
      expected,
    );
    expect(verdict.problems).toEqual([
      'cdktf deploy created something',
      'npm run deploy did not say: the environment reserves 3 and AWS keeps 100 unreserved, so at least 103 are needed fix: request a quota increase to at least 103',
    ]);
    expect(
      gateDrillProblems(
        { 'cdktf deploy': TERRAFORM, 'terraform apply': TERRAFORM, 'npm run deploy': PREFLIGHT },
        { ...expected, quota: 101 },
      ).problems[0],
    ).toMatch(/^terraform apply did not name the Lambda quota of 101: /);
  });
});

describe('the names a synth gave', () => {
  const json = {
    resource: {
      aws_db_instance: { database_instance_1: { identifier: 'healthcare-db-drill' } },
      aws_lambda_function: {
        readiness: { function_name: 'healthcare-readiness-drill' },
        setup: { function_name: 'healthcare-db-setup-drill' },
      },
      aws_api_gateway_stage: { stage: { stage_name: '${var.stage}' } },
    },
  };

  it('reads the literal of the only resource of a type, or of the one named', () => {
    expect(synthesizedValue(json, 'aws_db_instance', 'identifier')).toBe('healthcare-db-drill');
    expect(synthesizedValue(json, 'aws_lambda_function', 'function_name', 'setup')).toBe(
      'healthcare-db-setup-drill',
    );
  });

  it('refuses to guess: several of a type, none, a reference or a missing attribute', () => {
    expect(() => synthesizedValue(json, 'aws_lambda_function', 'function_name')).toThrow(
      'the synthesized stack has 2 aws_lambda_function resources, not one',
    );
    expect(() => synthesizedValue(json, 'aws_vpc', 'cidr_block')).toThrow(
      'the synthesized stack has 0 aws_vpc resources, not one',
    );
    expect(() => synthesizedValue(json, 'aws_lambda_function', 'function_name', 'x')).toThrow(
      'the synthesized stack has no aws_lambda_function.x',
    );
    expect(() => synthesizedValue(json, 'aws_api_gateway_stage', 'stage_name')).toThrow(
      'aws_api_gateway_stage.stage.stage_name is not a literal string in the synthesized stack',
    );
    expect(() => synthesizedValue(json, 'aws_db_instance', 'port')).toThrow(
      'aws_db_instance.database_instance_1.port is not a literal string in the synthesized stack',
    );
  });
});

describe('what recover says is tainted', () => {
  const listed = [
    'Orphans of TapStackdrill: none. Every resource of the stack found in the account is in its state (1 round(s)).',
    '',
    'Tainted objects of TapStackdrill: 2. Terraform did not finish with them (a create interrupted or failed, or `terraform taint`), so the next deploy would REPLACE each: a fixed name collides with the object it replaces (create before destroy), a stateful one loses its data.',
    '    aws_iam_role.readiness_role_B1',
    '    aws_elasticache_user.cache_iam-user_C2',
    '  Check that each is whole, then keep them with: npm run recover -- --stack TapStackdrill --untaint   (the next plan reads each again: an update in place, a replacement where a changed attribute forces one, a create where it is gone)',
  ].join('\n');
  const kept = [
    'Tainted objects of TapStackdrill: 2, untainted (the next plan reads each again: an update in place, a replacement where a changed attribute forces one, a create where it is gone):',
    '    aws_iam_role.readiness_role_B1',
    '    aws_elasticache_user.cache_iam-user_C2',
    '',
  ].join('\n');

  it('reads the addresses under the heading, until the list ends', () => {
    expect(taintedIn(listed)).toEqual([
      'aws_iam_role.readiness_role_B1',
      'aws_elasticache_user.cache_iam-user_C2',
    ]);
    expect(taintedIn(kept, 'untainted')).toEqual([
      'aws_iam_role.readiness_role_B1',
      'aws_elasticache_user.cache_iam-user_C2',
    ]);
  });

  it('tells the two headings apart, and finds nothing where nothing is tainted', () => {
    expect(taintedIn(kept)).toEqual([]);
    expect(taintedIn(listed, 'untainted')).toEqual([]);
    expect(taintedIn('Tainted objects of TapStackdrill: none.')).toEqual([]);
    expect(taintedIn('')).toEqual([]);
  });
});

describe('adoptableIn', () => {
  // recover's report after an interrupt cancelled a create that the service had taken (CI, 2026-12-08).
  const report = [
    'Orphans of TapStackdrill: 2 resource(s) exist in the account but not in its state (2 round(s)).',
    '  Searched 31 resources of the stack.',
    '  Adoptable (import at the address that would otherwise create them again):',
    '    aws_elasticache_replication_group.cache_replication-group_FA5C54CF  ←  healthcare-redis-drill (available)   [import id healthcare-redis-drill]',
    '    aws_sqs_queue.readiness_dead-letters_1A2B3C4D                       ←  healthcare-drill-dlq   [import id https://sqs/q]',
    '  Adopt them with: npm run recover -- --stack TapStackdrill --adopt   (planned, reviewed, applied after "yes")',
    '    aws_default_security_group.network_default-security-group_F40826B8',
  ].join('\n');

  it('reads the addresses under the heading, until the list ends', () => {
    expect(adoptableIn(report)).toEqual([
      'aws_elasticache_replication_group.cache_replication-group_FA5C54CF',
      'aws_sqs_queue.readiness_dead-letters_1A2B3C4D',
    ]);
  });

  it('finds nothing without the heading, or under the one of --adopt', () => {
    expect(
      adoptableIn(
        'Orphans of TapStackdrill: none. Every resource of the stack found in the account is in its state (2 round(s)).',
      ),
    ).toEqual([]);
    expect(adoptableIn(report.replace('  Adoptable (import', '  To adopt (import'))).toEqual([]);
    expect(adoptableIn('')).toEqual([]);
  });
});

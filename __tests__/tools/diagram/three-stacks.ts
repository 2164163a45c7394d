/**
 * A small platform, account baseline and state backend in Terraform JSON, shaped like cdktf's
 * output, for the overview and detail-view tests: every rule of components.ts has a case here.
 */
import { buildModel, DiagramModel, resourcesOf, SynthResource } from '../../../tools/diagram';

export const PLATFORM = 'TapStackt';
export const BASELINE = 'TapAccountBaseline';
export const STATE = 'TapStateBackend';

type Block = Record<string, Record<string, Record<string, unknown>>>;

function at(stack: string, path: string, body: Record<string, unknown> = {}) {
  return { '//': { metadata: { path: `${stack}/${path}` } }, ...body };
}

/** `${aws_x.name.attr}` */
function ref(address: string, attr = 'id'): string {
  return '${' + address + '.' + attr + '}';
}

function platform(): Block {
  const p = (path: string, body: Record<string, unknown> = {}) => at(PLATFORM, path, body);
  const perAz = (make: (i: number) => [string, Record<string, unknown>]) =>
    Object.fromEntries([0, 1, 2].map(make));
  return {
    aws_wafv2_web_acl: { acl: p('api/web-acl', { name: 'waf' }) },
    aws_wafv2_web_acl_association: {
      assoc: p('api/web-acl-association', {
        web_acl_arn: ref('aws_wafv2_web_acl.acl', 'arn'),
        resource_arn: ref('aws_api_gateway_stage.stage', 'arn'),
      }),
    },
    aws_api_gateway_rest_api: { api: p('api/rest-api', { name: 'api' }) },
    aws_api_gateway_stage: {
      stage: p('api/stage', { rest_api_id: ref('aws_api_gateway_rest_api.api'), stage_name: 'v1' }),
    },
    aws_api_gateway_resource: {
      ready: p('api/ready', {
        rest_api_id: ref('aws_api_gateway_rest_api.api'),
        path_part: 'ready',
      }),
    },
    aws_api_gateway_method: {
      get_ready: p('api/get-ready', {
        rest_api_id: ref('aws_api_gateway_rest_api.api'),
        resource_id: ref('aws_api_gateway_resource.ready'),
        http_method: 'GET',
      }),
    },
    aws_api_gateway_integration: {
      ready: p('api/ready-integration', {
        rest_api_id: ref('aws_api_gateway_rest_api.api'),
        uri: ref('aws_lambda_function.fn', 'invoke_arn'),
      }),
    },
    aws_lambda_permission: {
      perm: p('api/invoke-permission', {
        function_name: ref('aws_lambda_function.fn', 'function_name'),
        source_arn: `${ref('aws_api_gateway_rest_api.api', 'execution_arn')}/v1/GET/ready`,
      }),
    },
    aws_lambda_function: {
      fn: p('readiness/function', {
        role: ref('aws_iam_role.fn', 'arn'),
        vpc_config: {
          security_group_ids: [ref('aws_security_group.app')],
          subnet_ids: [ref('aws_subnet.private_0')],
        },
        environment: { variables: { DB_HOST: ref('aws_db_instance.db', 'address') } },
      }),
    },
    aws_iam_role: { fn: p('readiness/role', { name: 'fn' }) },
    aws_security_group: {
      app: p('network/app-sg', { vpc_id: ref('aws_vpc.vpc') }),
      db: p('database/security-group', { vpc_id: ref('aws_vpc.vpc') }),
    },
    aws_vpc_security_group_ingress_rule: {
      db_from_app: p('database/ingress-from-app', {
        security_group_id: ref('aws_security_group.db'),
        referenced_security_group_id: ref('aws_security_group.app'),
        ip_protocol: 'tcp',
        from_port: 5432,
        to_port: 5432,
      }),
    },
    aws_db_instance: {
      db: p('database/instance', {
        engine: 'postgres',
        kms_key_id: ref('aws_kms_key.data', 'arn'),
        db_subnet_group_name: ref('aws_db_subnet_group.db', 'name'),
        vpc_security_group_ids: [ref('aws_security_group.db')],
      }),
    },
    aws_db_subnet_group: {
      db: p('database/subnet-group', { subnet_ids: [ref('aws_subnet.isolated_0')] }),
    },
    aws_kms_key: { data: p('data-key/key') },
    aws_vpc: { vpc: p('network/vpc', { cidr_block: '10.0.0.0/16' }) },
    aws_subnet: {
      private_0: p('network/private-subnet-0', { vpc_id: ref('aws_vpc.vpc') }),
      isolated_0: p('network/isolated-subnet-0', { vpc_id: ref('aws_vpc.vpc') }),
      ...perAz((i) => [
        `public_${i}`,
        p(`network/public-subnet-${i}`, { vpc_id: ref('aws_vpc.vpc') }),
      ]),
    },
    aws_nat_gateway: perAz((i) => [
      `nat_${i}`,
      p(`network/nat-${i}`, {
        subnet_id: ref(`aws_subnet.public_${i}`),
        allocation_id: ref(`aws_eip.eip_${i}`),
      }),
    ]),
    aws_eip: perAz((i) => [`eip_${i}`, p(`network/nat-eip-${i}`)]),
    aws_cloudwatch_log_group: {
      access: p('api/access-log-group', { name: '/api' }),
      fn: p('readiness/log-group', { name: '/fn' }),
    },
    aws_cloudwatch_metric_alarm: {
      errors: p('alarms/errors', { alarm_name: 'errors' }),
      throttles: p('alarms/throttles', { alarm_name: 'throttles' }),
    },
  };
}

function baseline(): Block {
  const b = (path: string, body: Record<string, unknown> = {}) => at(BASELINE, path, body);
  return {
    aws_iam_role: {
      // At the stack root: joins config (the one thing that uses it), not audit, whose
      // bucket policy only grants it access (a reference both ways).
      config_role: b('config-role', { name: 'config' }),
      // At the stack root, used by two constructs: stays a box of its own.
      shared_role: b('shared-role', { name: 'shared' }),
    },
    aws_iam_role_policy: {
      delivery: b('config/delivery-policy', {
        role: ref('aws_iam_role.config_role'),
        policy: ref('aws_s3_bucket.archive', 'arn'),
      }),
    },
    aws_config_configuration_recorder: {
      rec: b('config/recorder', { role_arn: ref('aws_iam_role.config_role', 'arn') }),
    },
    aws_s3_bucket: { archive: b('audit/archive/bucket', { bucket: 'archive' }) },
    aws_s3_bucket_policy: {
      archive: b('audit/archive/policy', {
        bucket: ref('aws_s3_bucket.archive'),
        policy: ref('aws_iam_role.config_role', 'arn'),
      }),
    },
    aws_cloudtrail: {
      trail: b('audit/trail', {
        s3_bucket_name: ref('aws_s3_bucket.archive'),
        cloud_watch_logs_role_arn: ref('aws_iam_role.shared_role', 'arn'),
      }),
    },
    aws_guardduty_detector: {
      gd: b('guardduty/detector', { export_role: ref('aws_iam_role.shared_role', 'arn') }),
    },
    aws_backup_selection: { sel: b('backup/selection', { name: 'phi' }) },
  };
}

function state(): Block {
  return {
    aws_s3_bucket: { state: at(STATE, 'state-bucket', { bucket: 'tfstate' }) },
    aws_dynamodb_table: { lock: at(STATE, 'lock-table', { name: 'lock' }) },
  };
}

export function threeStacks(): SynthResource[] {
  return [
    ...resourcesOf(PLATFORM, { resource: platform() }),
    ...resourcesOf(BASELINE, { resource: baseline() }),
    ...resourcesOf(STATE, { resource: state() }),
  ];
}

export function threeStacksModel(): DiagramModel {
  return buildModel(threeStacks());
}

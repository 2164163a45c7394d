import { Construct } from 'constructs';
import type { EncryptionKey } from '../encryption/encryption-key';

export interface HealthApiProps {
  /** REST API name, e.g. `healthcare-api-prod`. */
  readonly name: string;
  /** Stage name: the environment suffix, so the URL ends in `/<stage>/health`. */
  readonly stageName: string;
  readonly cloudWatchRoleName: string;
  readonly webAclName: string;
  /** Must start with `aws-waf-logs-`. */
  readonly webAclLogGroupName: string;
  readonly logsKey: EncryptionKey;
  readonly logRetentionDays: number;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Requests per 5 minutes per IP before WAF blocks. */
  readonly wafRateLimit: number;
}

/** Regional REST API with a mock `GET /health`, access logs, X-Ray, throttling and WAF. */
export class HealthApi extends Construct {
  readonly restApiId: string;
  readonly stageName: string;
  readonly stageArn: string;
  /** `https://<id>.execute-api.<region>.amazonaws.com/<stage>/health` */
  readonly healthUrl: string;
  readonly invokeUrl: string;
  readonly webAclArn: string;
  /** For alarms: the CloudWatch `ApiName` dimension. */
  readonly apiName: string;

  constructor(scope: Construct, id: string, props: HealthApiProps) {
    super(scope, id);
    throw new Error(`not implemented: ${JSON.stringify(props)}`);
  }
}

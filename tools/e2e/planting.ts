/**
 * Facts of an AWS account that no API call sets, planted in the emulator for a drill (its
 * planting endpoints: tools/emulator/moto_planting.py): an account's applied Service Quotas
 * value, the PostgreSQL versions a region offers. Exercised by `npm run test:e2e`.
 */
import type { E2eRun } from './e2e-run';

async function plant(e2e: E2eRun, what: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${e2e.emulator!.endpoint}/moto-api/healthcare/${what}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`planting ${what} refused: ${JSON.stringify(answer)}`);
  return answer;
}

/** The account's applied quota in the run's region (as if AWS had opened it so). */
export async function plantQuota(
  e2e: E2eRun,
  account: string,
  service: 'lambda' | 'ec2',
  code: string,
  value: number,
): Promise<void> {
  const answer = await plant(e2e, 'quotas', {
    account,
    region: e2e.settings.region,
    service,
    code,
    value,
  });
  if (answer.value !== value)
    throw new Error(`the emulator planted ${String(answer.value)}, not ${value}`);
}

/** Back to AWS's default for that quota. */
export async function removePlantedQuota(
  e2e: E2eRun,
  account: string,
  service: 'lambda' | 'ec2',
  code: string,
): Promise<void> {
  await plant(e2e, 'quotas', { account, region: e2e.settings.region, service, code, value: null });
}

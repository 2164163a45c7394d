/**
 * The text of each deploy gate, one function per gate: the synthesized Terraform
 * (DeployGates preconditions, data-source postconditions) and `npm run preflight` print the
 * same words for the same check.
 */

/** The account baseline's setting that names the alarm subscriber. */
export const BASELINE_ALARM_EMAIL_VARIABLE = 'BASELINE_ALARM_EMAIL';

/** The baseline's alarm-subscriber gate, as the plan and preflight name it. */
export const BASELINE_ALARM_GATE = 'baseline alarm subscriber';

/** Production baseline without anyone on the security alarm topic. */
export function baselineAlarmSubscriberMessage(): string {
  return `${BASELINE_ALARM_EMAIL_VARIABLE} is not set: the production account baseline's security alarms (trail alarms, GuardDuty and Security Hub findings, failed backup, copy and restore jobs) would reach nobody. Set ${BASELINE_ALARM_EMAIL_VARIABLE} to an address that answers them.`;
}

/**
 * A service the setting says the organization runs here, but which is not running:
 * e.g. BASELINE_GUARDDUTY=organization and no enabled detector.
 */
export function organizationServiceMissingMessage(
  service: string,
  variable: string,
  region: string,
): string {
  return `${variable}=organization, but ${service} is not enabled for this account in ${region}: the organization does not run it here. Have the organization's delegated administrator enable it for this account, or set ${variable}=on to let the baseline run it.`;
}

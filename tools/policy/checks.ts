/** What every rule table uses: the verdicts, attribute access and the HIPAA citations. */
import type { CheckResult, TfResource } from './types';

export const pass = (detail: string): CheckResult => ({ pass: true, detail });
export const fail = (detail: string): CheckResult => ({ pass: false, detail });
export const attr = (r: TfResource, name: string): unknown => r.attrs[name];

/** HIPAA Security Rule citations the rules restate. */
export const HIPAA = {
  encryption: '164.312(a)(2)(iv)',
  transmission: '164.312(e)(1)',
  audit: '164.312(b)',
  access: '164.312(a)(1)',
  authentication: '164.312(d)',
  backup: '164.308(a)(7)(ii)(A)',
  integrity: '164.312(c)(1)',
  contingency: '164.308(a)(7)(i)',
  minimumNecessary: '164.502(b)',
  monitoring: '164.308(a)(1)(ii)(D)',
  passwords: '164.308(a)(5)(ii)(D)',
  riskManagement: '164.308(a)(1)(ii)(B)',
} as const;

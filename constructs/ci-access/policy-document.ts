/** IAM policy documents as AWS reads them; the CI roles' policies are built as these. */

export type Condition = Readonly<
  Record<string, Readonly<Record<string, string | readonly string[]>>>
>;

export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Readonly<Record<string, string>>;
  readonly Action?: string | readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: readonly string[];
  readonly Condition?: Condition;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Statement[];
}

export const policy = (...statements: Statement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

/** The document as IAM stores it (no whitespace): what counts against IAM's size quotas. */
export const policyJson = (document: PolicyDocument): string => JSON.stringify(document);

/**
 * IAM's quota for all inline policies of one role together, in characters without
 * whitespace: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const ROLE_INLINE_POLICY_MAX_CHARS = 10_240;

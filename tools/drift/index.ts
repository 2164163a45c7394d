/**
 * Drift: what changed in an environment outside Terraform, from a refresh-only plan's JSON
 * (drift) and the security group rules no resource manages (security-group-rules), as
 * Markdown (drift-markdown), from files for `npm run drift` (write-report).
 */
export * from './drift';
export * from './drift-markdown';
export * from './security-group-rules';
export * from './write-report';

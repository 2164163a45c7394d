/**
 * Drift: what changed in an environment outside Terraform, from a refresh-only plan's JSON
 * (drift), as Markdown (drift-markdown), from files for `npm run drift` (write-report).
 */
export * from './drift';
export * from './drift-markdown';
export * from './write-report';

/** Preflight: can this account and region take this configuration? */
export * from './baseline-checks';
export * from './baseline-services';
export * from './github-oidc';
export * from './preflight';
export * from './deploy-gates';
export * from './deploy-role';
export * from './checks';

/**
 * CI glue for GitHub, behind npm scripts any CI can call: the plan review as one
 * pull-request comment per environment and one issue per drifted environment (github, over
 * the REST client github-client), whether a saved plan changes anything (plan-changes),
 * and the commands' arguments and environment (ci-commands).
 */
export * from './ci-commands';
export * from './github';
export * from './github-client';
export * from './plan-changes';

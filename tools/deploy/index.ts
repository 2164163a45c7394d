/**
 * Plan and deploy one stack: arguments, the stack selection, each run's own folder, the
 * target (AWS or the local emulator with state bootstrapped), synthesis, the shared plan
 * flow (preflight, plan, review, guard), saved plans, and the apply of exactly the reviewed
 * plan. The commands: plan.command.ts, deploy.command.ts.
 */
export * from './args';
export * from './command-run';
export * from './flow';
export * from './plan-artifact';
export * from './project';
export * from './run-folder';
export * from './saved-plan';
export * from './synth';
export * from './target';
export * from './drift-check';

/**
 * Plan and deploy one environment: arguments, the target (AWS or the local emulator with
 * state bootstrapped), synthesis, the shared plan flow (preflight, plan, review, guard)
 * and the apply of exactly the reviewed plan. The commands: plan.command.ts, deploy.command.ts.
 */
export * from './args';
export * from './command-run';
export * from './flow';
export * from './project';
export * from './synth';
export * from './target';

/** The architecture diagram drawn from the synthesized stacks (see diagram.ts). Command: diagram.command.ts. */
export * from './diagram';
export * from './labels';
export * from './model';
export * from './render';
export * from './resources';
export * from './tiers';

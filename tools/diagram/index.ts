/** The architecture pictures drawn from the synthesized stacks (see diagram.ts). Command: diagram.command.ts. */
export * from './args';
export * from './components';
export * from './diagram';
export * from './labels';
export * from './legibility';
export * from './model';
export * from './output';
export * from './overview';
export * from './overview-dot';
export * from './render';
export * from './resources';
export * from './tiers';
export * from './views';

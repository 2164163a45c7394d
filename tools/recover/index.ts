/**
 * The way back after a crash or a killed apply: the state lock (who holds it, whether that
 * run is alive, its release), the stack's resources that exist outside its state (finders
 * per type, matched to the planned creates) and their adoption by reviewed import blocks.
 * The command: recover.command.ts.
 */
export * from './app-finders';
export * from './clients';
export * from './data-finders';
export * from './finder';
export * from './finders';
export * from './holder';
export * from './identity-finders';
export * from './imports';
export * from './lock';
export * from './match';
export * from './network-finders';
export * from './plan-facts';
export * from './recover';
export * from './release';
export * from './report';
export * from './search';
export * from './search-account';
export * from './taint';
export * from './unchecked-types';

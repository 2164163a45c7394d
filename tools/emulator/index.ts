/**
 * The local AWS emulator (moto with moto_server_ext.py's documented extensions): start,
 * environment, stop; and the attributes it is known to report differently (known-drift).
 */
export * from './emulator';
export * from './known-drift';

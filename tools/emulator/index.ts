/** The local AWS emulator (moto with moto_server_ext.py's documented extensions): start, environment, stop. */
export * from './emulator';

/**
 * Real PostgreSQL 15 and Redis 7 for the handler tests (`npm run test:app`): started on
 * 127.0.0.1 on free ports with TLS certificates from a throwaway CA, stopped and deleted after.
 * Installs nothing: a missing server stops the run with the command that installs it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const PGAUDIT = path.join(
  execSafe('pg_config', ['--pkglibdir']) ?? '/usr/lib/postgresql/15/lib',
  'pgaudit.so',
);

function execSafe(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** Fails with the install command when a server the tests need is missing. */
export function requireServers(): void {
  const missing = [
    [path.join(PG_BIN, 'postgres'), 'PostgreSQL 15 (postgresql)'],
    [PGAUDIT, 'pgaudit for PostgreSQL 15 (postgresql-15-pgaudit)'],
    [REDIS_SERVER, 'Redis 7 (redis-server)'],
  ].filter(([file]) => !existsSync(file));
  if (execSafe('openssl', ['version']) === undefined) missing.push(['openssl', 'openssl']);
  if (missing.length > 0) {
    throw new Error(
      `npm run test:app needs real servers; missing: ${missing.map(([, what]) => what).join(', ')}.\n` +
        'Install them (Debian 12): apt-get update && apt-get install -y postgresql postgresql-15-pgaudit redis-server openssl\n' +
        '(.ci/run does this on a fresh machine). Set PG_BIN / REDIS_SERVER if they live elsewhere.',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Pki {
  readonly caPem: string;
  /** A CA that signed nothing the servers present. */
  readonly otherCaPem: string;
  readonly certFile: string;
  readonly keyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A throwaway CA, a server certificate for 127.0.0.1/localhost it signed, and a second CA. */
export function makePki(dir: string): Pki {
  for (const ca of ['ca', 'other-ca']) {
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=readiness test ${ca}`,
        '-keyout',
        `${ca}.key`,
        '-out',
        `${ca}.pem`,
      ],
      dir,
    );
  }
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'san.ext',
      '-out',
      'server.pem',
    ],
    dir,
  );
  chmodSync(path.join(dir, 'server.key'), 0o600);
  return {
    caPem: readFileSync(path.join(dir, 'ca.pem'), 'utf8'),
    otherCaPem: readFileSync(path.join(dir, 'other-ca.pem'), 'utf8'),
    certFile: path.join(dir, 'server.pem'),
    keyFile: path.join(dir, 'server.key'),
  };
}

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user. */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
    : [cmd, args];
}

export interface RunningPostgres {
  readonly port: number;
  /** Superuser standing in for the RDS master user. */
  readonly admin: { user: string; password: string };
  /** The server log (what RDS exports to the `postgresql` log group). */
  readonly logFile: string;
  stop(): void;
}

export async function startPostgres(root: string, pki: Pki): Promise<RunningPostgres> {
  const dir = path.join(root, 'pg');
  const data = path.join(dir, 'data');
  execFileSync('mkdir', ['-p', dir]);
  const admin = { user: 'master', password: `pw-${Math.random().toString(36).slice(2)}` };
  writeFileSync(path.join(dir, 'pwfile'), `${admin.password}\n`);
  execFileSync('cp', [pki.certFile, path.join(dir, 'server.pem')]);
  execFileSync('cp', [pki.keyFile, path.join(dir, 'server.key')]);
  if (process.getuid?.() === 0) {
    // The postgres user must reach its files through the temporary folders.
    execFileSync('chmod', ['755', root]);
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  }
  const run = (cmd: string, args: string[]) =>
    execFileSync(...asPostgres(path.join(PG_BIN, cmd), args), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  run('initdb', [
    '-D',
    data,
    '-U',
    admin.user,
    `--pwfile=${path.join(dir, 'pwfile')}`,
    '--auth-host=scram-sha-256',
    '--auth-local=reject',
    '-E',
    'UTF8',
    '--no-instructions',
  ]);
  // TLS only, password (scram) only: the token's path.
  writeFileSync(path.join(data, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 scram-sha-256\n');
  const port = await freePort();
  const options = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${port}`,
    `-c unix_socket_directories=${dir}`,
    `-c ssl=on`,
    `-c ssl_cert_file=${path.join(dir, 'server.pem')}`,
    `-c ssl_key_file=${path.join(dir, 'server.key')}`,
    `-c shared_preload_libraries=pgaudit`,
    `-c fsync=off`,
  ].join(' ');
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'log'),
    '-o',
    options,
    '-w',
    '-t',
    '30',
    'start',
  ]);
  return {
    port,
    admin,
    logFile: path.join(dir, 'log'),
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already stopped.
      }
    },
  };
}

export interface RunningRedis {
  readonly port: number;
  readonly user: { name: string; password: string };
  stop(): void;
}

/** Redis with TLS only and one ACL user allowed PING; the default user is off. */
export async function startRedis(root: string, pki: Pki, userName: string): Promise<RunningRedis> {
  const port = await freePort();
  const user = { name: userName, password: `pw-${Math.random().toString(36).slice(2)}` };
  const conf = path.join(root, 'redis.conf');
  writeFileSync(
    conf,
    [
      'bind 127.0.0.1',
      'port 0',
      `tls-port ${port}`,
      `tls-cert-file ${pki.certFile}`,
      `tls-key-file ${pki.keyFile}`,
      'tls-auth-clients no',
      'save ""',
      'appendonly no',
      `dir ${root}`,
      'user default off',
      `user ${user.name} on >${user.password} -@all +ping +hello +auth`,
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(REDIS_SERVER, [conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start in 10 s')), 10000);
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
  child.removeAllListeners('exit');
  return { port, user, stop: () => void child.kill('SIGKILL') };
}

/** Accepts TCP connections and never answers: a dependency that hangs. */
export async function startHangingServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function makeTempRoot(): { root: string; remove(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'readiness-app-test-'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Starts the local AWS emulator (moto, with tools/emulator/moto_server_ext.py's
 * documented extensions) on a free loopback port, and always stops it: on stop(), on
 * process exit, on SIGINT/SIGTERM, and (from the Python side) when this process dies.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const LAUNCHER = path.resolve(__dirname, 'moto_server_ext.py');
const HOST = '127.0.0.1';

export interface EmulatorOptions {
  readonly region: string;
  /** Server output goes here. */
  readonly logFile: string;
  /** @default 60 s */
  readonly startTimeoutMs?: number;
  /** Python with moto installed. @default $MOTO_PYTHON, else the python3 that imports moto */
  readonly python?: string;
}

export interface Emulator {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  /** Variables that point Terraform, cdktf, the S3 backend and the SDK at the emulator. */
  env(base?: Readonly<Record<string, string | undefined>>): Record<string, string>;
  /** POST /moto-api/reset: forget every resource. */
  reset(): Promise<void>;
  /** The 5xx answers the emulator has given so far (see emulatorErrors). */
  errors(): string[];
  /**
   * Why the emulator is gone when it ended without stop() (`exited with 1`, `killed by
   * SIGKILL`): a failure then names the cause instead of a wall of "connection refused".
   */
  died(): string | undefined;
  stop(): Promise<void>;
}

/** A port the OS reports free on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a loopback listener'));
      });
    });
  });
}

/**
 * The emulator's 5xx answers in its log, one line each ("<service> <method> <path>
 * <operation>: <status>"), as moto_request_gaps.py writes them. A failed deploy names the
 * resource; this names the call the emulator could not answer.
 */
export function emulatorErrors(logText: string): string[] {
  const prefix = 'moto 5xx: ';
  return logText
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

/**
 * The emulator's environment for child processes. AWS_MAX_ATTEMPTS=2 keeps calls the
 * emulator does not implement (HTTP 500) from being retried 25 times by the provider
 * and the SDK. Credentials and profile variables of the caller are dropped, so nothing
 * here can reach a real account.
 */
export function emulatorEnv(
  endpoint: string,
  region: string,
  base: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const dropped =
    /^AWS_(PROFILE|DEFAULT_PROFILE|SESSION_TOKEN|SECURITY_TOKEN|ROLE_ARN|WEB_IDENTITY_TOKEN_FILE|CONFIG_FILE|SHARED_CREDENTIALS_FILE|ENDPOINT_URL_.*|CA_BUNDLE)$/;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !dropped.test(key)) env[key] = value;
  }
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '2',
    AWS_RETRY_MODE: 'standard',
    // No ~/.aws files: a profile there must not change what the run talks to.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    // Read by config/backend.ts: moto serves S3 on one host, so path-style addressing.
    STATE_USE_PATH_STYLE: 'true',
  };
}

/** The python3 (or $MOTO_PYTHON) that can import moto; fails with what to install. */
export function findMotoPython(explicit = process.env.MOTO_PYTHON): string {
  const candidates = explicit ? [explicit] : ['python3', 'python'];
  for (const candidate of candidates) {
    const probe = spawnSync(
      candidate,
      ['-c', 'import moto, moto.server, flask; print(moto.__version__)'],
      {
        encoding: 'utf8',
      },
    );
    if (probe.status === 0) return candidate;
  }
  const hasServer =
    spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).status === 0;
  throw new Error(
    `No Python with moto's server extras found (tried ${candidates.join(', ')}). ` +
      `${hasServer ? 'moto_server is on PATH but its Python is not; set MOTO_PYTHON to it.' : "Install it with: pip install 'moto[server]==5.2.1'."}`,
  );
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/data.json`, {
      signal: AbortSignal.timeout(2000),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

const running = new Set<ChildProcess>();
let hooksInstalled = false;

/** Kills every emulator still running; synchronous so it works in an 'exit' handler. */
function killAll(): void {
  for (const child of running) {
    try {
      child.kill('SIGTERM');
    } catch {
      // gone already
    }
  }
  running.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAll);
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const python = options.python ?? findMotoPython();
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(
    python,
    [LAUNCHER, '--host', HOST, '--port', String(port), '--parent-pid', String(process.pid)],
    {
      stdio: ['ignore', log, log],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
      // Its own process group: a Ctrl-C in the terminal must not kill it while terraform,
      // interrupted, still writes the state into it. stop() (or the watchdog) ends it.
      detached: true,
    },
  );
  fs.closeSync(log);
  installHooks();
  running.add(child);
  let exited: string | undefined;
  let stopping = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = signal ? `was killed by ${signal}` : `exited with ${code}`;
      running.delete(child);
      resolve();
    });
  });
  child.on('error', (error) => {
    exited = `could not start: ${error.message}`;
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await answers(endpoint))) {
    if (exited !== undefined || Date.now() > deadline) {
      child.kill('SIGKILL');
      const logTail = fs.existsSync(options.logFile)
        ? fs.readFileSync(options.logFile, 'utf8').slice(-2000)
        : '';
      throw new Error(
        `the emulator (${python} ${LAUNCHER}) ${exited ?? 'did not answer in time'} on ${endpoint}\n${logTail}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const stop = async () => {
    stopping = true;
    if (!running.has(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exitPromise;
    clearTimeout(timer);
  };

  return {
    endpoint,
    port,
    region: options.region,
    env: (base = process.env) => emulatorEnv(endpoint, options.region, base),
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`emulator reset answered HTTP ${response.status}`);
    },
    errors: () =>
      fs.existsSync(options.logFile)
        ? emulatorErrors(fs.readFileSync(options.logFile, 'utf8'))
        : [],
    died: () =>
      stopping || exited === undefined
        ? undefined
        : `the emulator (${endpoint}) ${exited}; its log: ${options.logFile}`,
    stop,
  };
}

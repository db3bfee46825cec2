import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const PROJECT_ROOT = join(__dirname, '..', '..');

/** The environment of a fresh shell: no database of the test run, no inherited Resonance settings. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^(DATABASE_URL|TEST_DATABASE_URL|RESONANCE_|APP_SECRET|DATA_DIR|PORT|HOST|PUBLIC_BASE_URL|SMTP_URL|TWILIO_|RUN_WORKER|DEMO_DATA|BOOTSTRAP_)/.test(
        key,
      )
    )
      continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves with the output once `pattern` appears; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  /** Signals the whole process group (npm and the node it runs), as Ctrl+C in a terminal does. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once every process of the group has exited (npm exits before the node it runs). */
  groupExited(timeoutMs?: number): Promise<void>;
}

export function spawnProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    signal: (signal) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
    groupExited: async (timeoutMs = 60_000) => {
      const started = Date.now();
      for (;;) {
        try {
          process.kill(-child.pid!, 0);
        } catch {
          return;
        }
        if (Date.now() - started > timeoutMs)
          throw new Error(`process group still running; output:\n${output.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    waitFor: (pattern, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const timer = setInterval(() => {
          const match = output.match(pattern);
          if (match) {
            clearInterval(timer);
            resolve(match);
          } else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
            clearInterval(timer);
            reject(
              new Error(`did not see ${pattern} (exit ${child.exitCode}); output:\n${output.slice(-3000)}`),
            );
          }
        }, 50);
      }),
  };
}

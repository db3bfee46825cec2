import { ConfigError } from './config';

type Stop = () => Promise<void>;

/**
 * Runs a long-lived process: a bad configuration exits with code 78 (EX_CONFIG) and a one-line message
 * naming the variable; SIGINT/SIGTERM run the returned stop function once (finish in-flight work, close
 * pools, stop the embedded database), a second signal exits at once.
 */
export function runProcess(name: string, start: () => Promise<Stop>): void {
  let stop: Stop | null = null;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write(`${name}: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    const done = stop ? stop() : Promise.resolve();
    done.then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${name}: error while stopping: ${(error as Error)?.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  start().then(
    (stopFn) => {
      stop = stopFn;
      if (stopping) void stopFn().finally(() => process.exit(0));
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${name}: ${error.message}\n`);
        process.exit(78);
      }
      process.stderr.write(`${name}: failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}

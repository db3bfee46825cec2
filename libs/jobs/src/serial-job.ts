import { Logger } from '@nestjs/common';
import { errorForLog } from '@app/core';

/**
 * The one way a periodic job runs here: never two passes of it at once in this process (a tick that
 * finds a pass running asks for one more right after it, instead of starting a second), failures
 * logged without their messages, and `stop()` waiting for the pass in flight, so SIGTERM ends a job
 * after its current work is committed, not in the middle of it. Work across processes is shared by
 * the use cases themselves (SKIP LOCKED claims, advisory locks).
 */
export class SerialJob {
  private readonly logger: Logger;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    name: string,
    private readonly pass: (isStopping: () => boolean) => Promise<void>,
  ) {
    this.logger = new Logger(name);
  }

  /** Runs a pass now, or once more right after the one running. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass(() => this.stopped)
      .catch((error: unknown) => this.logger.error({ err: errorForLog(error) }, 'job pass failed'))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** The pass in flight, if any (tests and callers that need to wait for it). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.again = false;
    await this.running;
  }
}

import { SerialJob } from './serial-job';

/** A pass that ends when told to: lets a test hold one in flight. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('SerialJob', () => {
  it('never runs two passes at once: a wake during a pass runs one more pass after it, not beside it', async () => {
    const first = gate();
    let running = 0;
    let most = 0;
    let passes = 0;
    const job = new SerialJob('test', async () => {
      passes += 1;
      running += 1;
      most = Math.max(most, running);
      if (passes === 1) await first.promise;
      running -= 1;
    });
    job.wake();
    job.wake();
    job.wake();
    expect(passes).toBe(1);
    first.open();
    await job.idle();
    await new Promise((resolve) => setImmediate(resolve));
    await job.idle();
    expect(most).toBe(1);
    expect(passes).toBe(2);
  });

  it('waits on stop for the pass in flight to finish, and starts none after', async () => {
    const pass = gate();
    let finished = false;
    let passes = 0;
    const job = new SerialJob('test', async () => {
      passes += 1;
      await pass.promise;
      finished = true;
    });
    job.wake();
    job.wake();
    const stopped = job.stop();
    setTimeout(pass.open, 10);
    await stopped;
    expect(finished).toBe(true);
    job.wake();
    await job.idle();
    expect(passes).toBe(1);
  });

  it('tells a long pass that the process is stopping, and survives a failing pass', async () => {
    let sawStop = false;
    const job = new SerialJob('test', async (isStopping) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      sawStop = isStopping();
      throw new Error('boom');
    });
    job.wake();
    await job.stop();
    expect(sawStop).toBe(true);
  });
});

import { createServer } from 'node:http';
import { TwilioStub } from '../test/support/twilio-stub';

/**
 * The Twilio-like endpoint in its own process for the bench. Prints its port; GET on the control
 * port answers what it received: { count, rejected429, first, last }.
 */
async function main(): Promise<void> {
  const mps = process.env.STUB_RATE_LIMIT_MPS ? Number(process.env.STUB_RATE_LIMIT_MPS) : null;
  const stub = await new TwilioStub(mps).start();
  const control = createServer((_req, res) => {
    const times = stub.messages.map((m) => m.at);
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        count: stub.messages.length,
        distinctTo: new Set(stub.messages.map((m) => m.to)).size,
        rejected429: stub.requests.filter((r) => r.status === 429).length,
        first: times.length ? Math.min(...times) : null,
        last: times.length ? Math.max(...times) : null,
      }),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', () => resolve()));
  const controlPort = (control.address() as { port: number }).port;
  process.stdout.write(`${JSON.stringify({ port: stub.port, controlPort })}\n`);
}

void main();

import { AddressInfo } from 'node:net';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export type SmtpFault = { kind: 'reply'; code: number; message: string } | { kind: 'drop' };

/** A real SMTP server on loopback that keeps every message it accepts, parsed, and can misbehave on request. */
export class TestSmtpServer {
  readonly received: ParsedMail[] = [];
  private readonly faults: SmtpFault[] = [];
  private server!: SMTPServer;
  port = 0;

  /** Listens on `port` (0: any free one); a stopped server starts again on its old port. */
  async start(port = this.port): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (
        stream: SMTPServerDataStream,
        session: SMTPServerSession,
        callback: (error?: Error | null) => void,
      ) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const fault = this.faults.shift();
          if (fault?.kind === 'drop') {
            (session as unknown as { _socket?: { destroy(): void } })._socket?.destroy();
            this.server.connections.forEach((c) =>
              (c as unknown as { _socket: { destroy(): void } })._socket.destroy(),
            );
            return;
          }
          if (fault?.kind === 'reply') {
            callback(Object.assign(new Error(fault.message), { responseCode: fault.code }));
            return;
          }
          simpleParser(Buffer.concat(chunks)).then(
            (mail) => {
              this.received.push(mail);
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next messages are answered by these faults, in order. */
  failNext(...faults: SmtpFault[]): void {
    this.faults.push(...faults);
  }

  /** Stops listening and cuts every open connection at once (an outage, not a polite goodbye). */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.connections.forEach((c) =>
      (c as unknown as { _socket: { destroy(): void } })._socket.destroy(),
    );
    await closed;
  }
}

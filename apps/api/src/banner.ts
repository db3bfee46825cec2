import { AppConfig } from '@app/config';
import { DemoCredentials } from '@app/demo';

/** What `npm start` prints when ready: where to look and how to get in. */
export function startupBanner(
  config: AppConfig,
  address: string,
  demo: DemoCredentials | null,
  startedMs: number,
): string {
  const lines = [
    '',
    `Resonance is running (${config.embedded ? `embedded PostgreSQL under ${config.dataDir}` : 'external PostgreSQL'}, ` +
      `worker ${config.runWorker ? 'in this process' : 'not in this process'}, ready in ${(startedMs / 1000).toFixed(1)} s)`,
    '',
    `  Staff console   ${address}/console`,
    `  API docs        ${address}/api/docs`,
    `  Health          ${address}/health/ready`,
    `  SMS and email   ${deliveries(config, address)}`,
  ];
  if (demo) {
    lines.push('', '  Demo logins (derived from DATA_DIR/app-secret; stored only as hashes):');
    for (const login of demo.logins)
      lines.push(`    ${login.role.padEnd(11)} ${login.email.padEnd(36)} ${login.password}`);
    lines.push(
      '',
      '  Demo API key (all scopes):',
      `    ${demo.apiKey}`,
      `    curl -H "Authorization: Bearer ${demo.apiKey}" ${address}/api/v1/api-keys/current`,
    );
  }
  lines.push('', '  Ctrl+C stops the server' + (config.embedded ? ' and the embedded database.' : '.'), '');
  return lines.join('\n');
}

/** Where messages go, in words a newcomer understands. */
function deliveries(config: AppConfig, address: string): string {
  const outbox = `the console's Outbox page (${address}/console/outbox)`;
  if (!config.twilio && !config.smtp) return `${outbox} — no SMTP or Twilio configured`;
  if (config.twilio && config.smtp) return 'SMS by Twilio, email by SMTP';
  return config.twilio
    ? `SMS by Twilio; email to ${outbox} — no SMTP configured`
    : `email by SMTP; SMS to ${outbox} — no Twilio configured`;
}

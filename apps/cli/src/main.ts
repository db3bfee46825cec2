import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { AppLogger } from '@app/core';
import { ConfigError, loadConfig } from '@app/config';
import { DomainException, isUuid } from '@app/core';
import { openDatabase, revertLastMigration } from '@app/database';
import { ApiKeyService, StaffUserService } from '@app/identity';
import { createWriteStream } from 'node:fs';
import { RegisterExport, validateRegisterFilters } from '@app/complaints';
import { WebhookEndpoints } from '@app/webhooks';
import { RefreshMetricRollups } from '@app/analytics';
import { AnonymiseExpiredBorrowers } from '@app/privacy';
import { RunCampaigns } from '@app/campaigns';
import { CampaignImportError, importCampaign } from './campaign-import';
import { CliModule } from './cli.module';
import { progressBar } from './progress-bar';

const CLI_ACTOR = { type: 'system', id: 'cli' } as const;

class UsageError extends Error {}

interface Command {
  usage: string;
  options: Record<string, { type: 'string' | 'boolean' }>;
  required: string[];
  migrate: boolean;
  run(
    ctx: INestApplicationContext | null,
    values: Record<string, string | undefined> & Record<`flag:${string}`, boolean | undefined>,
    url: string,
  ): Promise<string[]>;
}

const COMMANDS: Record<string, Command> = {
  'user:create': {
    usage: 'user:create --email E --name N --role agent|expert|compliance|admin --password P',
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
    },
    required: ['email', 'name', 'role', 'password'],
    migrate: true,
    async run(ctx, v) {
      const user = await ctx!.get(StaffUserService).create(CLI_ACTOR, {
        email: v.email!,
        name: v.name!,
        role: v.role!,
        password: v.password!,
      });
      return [`Created ${user.role} ${user.email} (${user.id})`];
    },
  },
  'api-key:create': {
    usage: 'api-key:create --name N --scopes events:write,surveys:in_app,...',
    options: { name: { type: 'string' }, scopes: { type: 'string' } },
    required: ['name', 'scopes'],
    migrate: true,
    async run(ctx, v) {
      const scopes = v
        .scopes!.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const key = await ctx!.get(ApiKeyService).create(CLI_ACTOR, { name: v.name!, scopes });
      return [
        `Created API key "${key.name}" (${key.prefix}…, id ${key.id}) with scopes ${key.scopes.join(', ')}.`,
        'Store the secret below now: it is shown once and only its hash is kept.',
        key.secret,
      ];
    },
  },
  'api-key:revoke': {
    usage: 'api-key:revoke --id UUID',
    options: { id: { type: 'string' } },
    required: ['id'],
    migrate: true,
    async run(ctx, v) {
      if (!isUuid(v.id)) {
        throw new UsageError('--id must be the UUID of an API key');
      }
      await ctx!.get(ApiKeyService).revoke(CLI_ACTOR, v.id!);
      return [`Revoked API key ${v.id}`];
    },
  },
  'webhook:create': {
    usage: 'webhook:create --url https://crm.example/hooks --events response.received,callback_task.created',
    options: { url: { type: 'string' }, events: { type: 'string' } },
    required: ['url', 'events'],
    migrate: true,
    async run(ctx, v) {
      const events = v
        .events!.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const endpoint = await ctx!.get(WebhookEndpoints).create(CLI_ACTOR, { url: v.url!, events });
      return [
        `Created webhook endpoint ${endpoint.id} for ${endpoint.events.join(', ')} at ${endpoint.url}.`,
        'Verify signatures with the secret below (Standard Webhooks); it is shown once.',
        endpoint.secret,
      ];
    },
  },
  'register:export': {
    usage:
      'register:export --from YYYY-MM-DD --to YYYY-MM-DD --format csv|xlsx --out FILE [--lang en|ru] [--status S] [--classification C] [--category C] [--channel C] [--overdue true]',
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      lang: { type: 'string' },
      status: { type: 'string' },
      classification: { type: 'string' },
      category: { type: 'string' },
      channel: { type: 'string' },
      overdue: { type: 'string' },
    },
    required: ['from', 'to', 'out'],
    migrate: true,
    async run(ctx, v) {
      const { filters, format, lang } = validateRegisterFilters({
        from: v.from,
        to: v.to,
        format: v.format ?? 'csv',
        lang: v.lang,
        status: v.status,
        classification: v.classification,
        category: v.category,
        channel: v.channel,
        overdue: v.overdue,
      });
      const register = ctx!.get(RegisterExport);
      const total = await register.count(filters);
      const out = createWriteStream(v.out!, { flags: 'wx' });
      await new Promise<void>((resolve, reject) =>
        out.once('open', () => resolve()).once('error', reject),
      ).catch((error: Error) => {
        throw new UsageError(`Cannot write ${v.out}: ${error.message}`);
      });
      const bar = progressBar('Exporting', total, 'rows');
      const progress = (rows: number) => bar(rows, rows === total);
      const { rows } = await register.export(CLI_ACTOR, filters, format, lang, out, progress);
      return [
        `Exported ${rows} complaints registered ${filters.from} … ${filters.to} to ${v.out} (${format}).`,
      ];
    },
  },
  'campaign:import': {
    usage:
      'campaign:import --name N --survey KEY --file borrowers.csv [--start ISO] [--spread-days N] [--external-id ID] [--skip-bad-rows]   (CSV header external_id,name,phone,email,locale,time_zone,product,segment)',
    options: {
      name: { type: 'string' },
      survey: { type: 'string' },
      file: { type: 'string' },
      start: { type: 'string' },
      'spread-days': { type: 'string' },
      'external-id': { type: 'string' },
      'skip-bad-rows': { type: 'boolean' },
    },
    required: ['name', 'survey', 'file'],
    migrate: true,
    run(ctx, v) {
      return importCampaign(ctx!.get(RunCampaigns), CLI_ACTOR, {
        name: v.name!,
        survey: v.survey!,
        file: v.file!,
        start: v.start,
        spreadDays: v['spread-days'],
        externalId: v['external-id'],
        skipBadRows: v['flag:skip-bad-rows'] === true,
      });
    },
  },
  'metrics:refresh': {
    usage:
      'metrics:refresh [--from YYYY-MM-DD --to YYYY-MM-DD]   (the days given, or what changed since the last refresh)',
    options: { from: { type: 'string' }, to: { type: 'string' } },
    required: [],
    migrate: true,
    async run(ctx, v) {
      const rollups = ctx!.get(RefreshMetricRollups);
      const started = Date.now();
      if (v.from !== undefined || v.to !== undefined) {
        if (!v.from || !v.to) throw new UsageError('--from and --to go together');
        await rollups.recompute(v.from, v.to);
        return [
          `Recomputed the metric rollups of ${v.from} … ${v.to} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        ];
      }
      const outcome = await rollups.execute();
      if (!outcome) return ['Another refresh is running; nothing done.'];
      const days = outcome.responseDays ? `${outcome.responseDays[0]} … ${outcome.responseDays[1]}` : 'none';
      return [
        `Refreshed the metric rollups (response days ${days}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      ];
    },
  },
  'retention:run': {
    usage:
      'retention:run   (anonymise borrowers past RETENTION_RESPONSE_DAYS / RETENTION_COMPLAINT_DAYS now)',
    options: {},
    required: [],
    migrate: true,
    async run(ctx) {
      const anonymise = ctx!.get(AnonymiseExpiredBorrowers);
      let total = 0;
      for (let batch = await anonymise.execute(); batch; batch = await anonymise.execute()) total += batch;
      return [`Anonymised ${total} expired borrowers.`];
    },
  },
  'migration:run': {
    usage: 'migration:run',
    options: {},
    required: [],
    migrate: true,
    async run() {
      return ['Migrations are up to date.'];
    },
  },
  'migration:revert': {
    usage: 'migration:revert',
    options: {},
    required: [],
    migrate: false,
    async run(_ctx, _v, url) {
      await revertLastMigration(url);
      return ['Reverted the most recent migration.'];
    },
  },
};

function usage(): string {
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${name ? `Unknown command "${name}".\n\n` : ''}${usage()}\n`);
    return 2;
  }
  let values: Parameters<Command['run']>[1];
  try {
    const parsed = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean>;
    // Flags apart from values, so a value can never be mistaken for a flag's true.
    values = Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => (typeof v === 'boolean' ? [`flag:${k}`, v] : [k, v])),
    ) as Parameters<Command['run']>[1];
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nUsage: npm run cli -- ${command.usage}\n`);
    return 2;
  }
  const missing = command.required.filter((option) => !values[option]);
  if (missing.length > 0) {
    process.stderr.write(
      `Missing ${missing.map((m) => `--${m}`).join(', ')}.\nUsage: npm run cli -- ${command.usage}\n`,
    );
    return 2;
  }

  const config = loadConfig(process.env, { standalone: true });
  const database = await openDatabase(config, { migrate: command.migrate });
  let ctx: INestApplicationContext | null = null;
  try {
    if (command.migrate) {
      for (const applied of database.applied) process.stderr.write(`Applied migration ${applied}\n`);
      ctx = await NestFactory.createApplicationContext(
        CliModule.register({ config, databaseUrl: database.url }),
        {
          // Nest's module-loading chatter goes to its own logger at warn; after useLogger, to pino (its start-up narration at debug).
          logger: ['error', 'warn'],
          abortOnError: false,
        },
      );
      ctx.useLogger(ctx.get(AppLogger));
    }
    const output = await command.run(ctx, values, database.url);
    process.stdout.write(`${output.join('\n')}\n`);
    return 0;
  } finally {
    await ctx?.close();
    await database.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DomainException) {
      const details = (error.errors ?? []).map((e) => `  --${e.path}: ${e.message}`).join('\n');
      process.stderr.write(`${error.message}${details ? `\n${details}` : ''}\n`);
      process.exit(2);
    }
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof CampaignImportError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(error instanceof ConfigError ? 78 : 2);
    }
    process.stderr.write(`cli failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);

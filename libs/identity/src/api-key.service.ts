import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import {
  Clock,
  isPlainText,
  isUuid,
  NotFoundException,
  randomToken,
  secretDigest,
  ValidationFailedException,
} from '@app/core';
import { IsNull, Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { ApiScope, API_SCOPES, isApiScope } from './scopes';

export interface ApiKeyPrincipal {
  id: string;
  name: string;
  scopes: ApiScope[];
}

export interface CreatedApiKey extends ApiKeyPrincipal {
  prefix: string;
  /** Shown once; only its SHA-256 digest is stored. */
  secret: string;
}

const SECRET_PATTERN = /^rsn_[A-Za-z0-9_-]{43}$/;
const LAST_USED_RESOLUTION_MS = 60_000;
/** A verified key is trusted this long without a query; a revocation elsewhere applies within it. */
const AUTH_CACHE_MS = 5_000;
const AUTH_CACHE_MAX = 1_000;

export function newApiKeySecret(): string {
  return `rsn_${randomToken(32)}`;
}

@Injectable()
export class ApiKeyService {
  /** When each key's last_used_at was last written, so a busy key does not cost a write per request. */
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly verified = new Map<string, { principal: ApiKeyPrincipal; until: number }>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(
    actor: Actor,
    input: { name: string; scopes: string[] },
    secret = newApiKeySecret(),
  ): Promise<CreatedApiKey> {
    const name = input.name?.trim() ?? '';
    const errors = [];
    if (name.length === 0 || name.length > 100 || !isPlainText(name)) {
      errors.push({ path: 'name', message: 'must be 1 to 100 printable characters' });
    }
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0 || !scopes.every(isApiScope)) {
      errors.push({ path: 'scopes', message: `must be one or more of ${API_SCOPES.join(', ')}` });
    }
    if (!SECRET_PATTERN.test(secret)) errors.push({ path: 'secret', message: 'is not a Resonance API key' });
    if (errors.length > 0) throw new ValidationFailedException(errors);

    const prefix = secret.slice(0, 12);
    const row = await this.keys.save(
      this.keys.create({
        name,
        prefix,
        secretHash: secretDigest(secret),
        scopes,
        createdBy: actor.type === 'staff' ? actor.id : null,
        createdAt: this.clock.now(),
      }),
    );
    await this.audit.record(actor, {
      action: 'api_key.created',
      entityType: 'api_key',
      entityId: row.id,
      after: { name, prefix, scopes },
    });
    return { id: row.id, name, prefix, scopes: scopes as ApiScope[], secret };
  }

  /** Creates the key with this exact secret unless it exists already (the demo key, derived from APP_SECRET). */
  async ensure(actor: Actor, input: { name: string; scopes: string[] }, secret: string): Promise<void> {
    const existing = await this.keys.findOne({ where: { secretHash: secretDigest(secret) } });
    if (!existing) await this.create(actor, input, secret);
  }

  async authenticate(secret: string): Promise<ApiKeyPrincipal | null> {
    if (!SECRET_PATTERN.test(secret)) return null;
    const digest = secretDigest(secret).toString('base64');
    const cached = this.verified.get(digest);
    if (cached && cached.until > Date.now()) return cached.principal;
    const key = await this.keys.findOne({ where: { secretHash: secretDigest(secret), revokedAt: IsNull() } });
    if (!key) {
      this.verified.delete(digest);
      return null;
    }
    this.touch(key.id);
    const principal = { id: key.id, name: key.name, scopes: key.scopes.filter(isApiScope) };
    if (this.verified.size >= AUTH_CACHE_MAX) this.verified.clear();
    this.verified.set(digest, { principal, until: Date.now() + AUTH_CACHE_MS });
    return principal;
  }

  /** Every key without its secret (there is none to show: only the digest is stored). */
  async list(): Promise<
    {
      id: string;
      name: string;
      prefix: string;
      scopes: string[];
      createdAt: string;
      lastUsedAt: string | null;
      revokedAt: string | null;
    }[]
  > {
    const rows = await this.keys.find({ order: { createdAt: 'DESC' } });
    return rows.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    }));
  }

  async revoke(actor: Actor, id: string): Promise<void> {
    if (!isUuid(id)) throw new NotFoundException('An active API key with this id');
    const result = await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    if (!result.affected) throw new NotFoundException('An active API key with this id');
    for (const [digest, entry] of this.verified) if (entry.principal.id === id) this.verified.delete(digest);
    await this.audit.record(actor, { action: 'api_key.revoked', entityType: 'api_key', entityId: id });
  }

  private touch(id: string): void {
    const now = this.clock.now().getTime();
    if (now - (this.lastUsedWritten.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(id, now);
    void this.keys.update({ id }, { lastUsedAt: new Date(now) }).catch(() => this.lastUsedWritten.delete(id));
  }
}

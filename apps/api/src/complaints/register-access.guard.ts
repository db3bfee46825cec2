import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Actor } from '@app/audit';
import { AppConfig } from '@app/config';
import { DomainException } from '@app/core';
import { ApiKeyService, StaffSessions } from '@app/identity';
import type { FastifyRequest } from 'fastify';
import { sessionCookie } from '../console/console-auth';

export type RegisterRequest = FastifyRequest & { registerActor?: Actor };

/**
 * The register export opens to an API key with `complaints:export` or to a compliance or admin
 * console session (the console's download buttons are plain links to this route).
 */
@Injectable()
export class RegisterAccessGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly sessions: StaffSessions,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RegisterRequest>();
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const key = match ? await this.keys.authenticate(match[1]!) : null;
      if (!key) throw new DomainException('unauthorized', 'The API key is not valid or has been revoked.');
      if (!key.scopes.includes('complaints:export'))
        throw new DomainException('forbidden', 'This API key lacks the scope complaints:export.');
      request.registerActor = { type: 'api_key', id: key.id, scopes: key.scopes };
      return true;
    }
    const session = await this.sessions.resolve(request.cookies?.[sessionCookie(this.config).name]);
    if (!session)
      throw new DomainException(
        'unauthorized',
        'Send an API key as "Authorization: Bearer <key>" or sign in to the console.',
      );
    if (session.user.role !== 'compliance' && session.user.role !== 'admin')
      throw new DomainException('forbidden', 'The register is exported by compliance officers and admins.');
    request.registerActor = session.actor;
    return true;
  }
}

import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Actor, StaffRole } from '@app/audit';
import { AppConfig } from '@app/config';
import { DomainException } from '@app/core';
import { ApiKeyService, ApiScope, StaffSessions } from '@app/identity';
import type { FastifyRequest } from 'fastify';
import { sessionCookie } from '../console/console-auth';

const RULE = 'resonance:key-or-session';

/** Who may use a route two ways: an API key with `scope`, or a console session with one of `roles`. */
export interface KeyOrSessionRule {
  scope: ApiScope;
  roles: StaffRole[];
  /** The 403 a signed-in user of another role gets. */
  refusal: string;
}

type RequestWithActor = FastifyRequest & { keyOrSessionActor?: Actor };

/**
 * For downloads the console links to (the register, the answers): the same route serves integrators
 * with an API key and staff with their session cookie, so a download button is a plain link.
 */
@Injectable()
export class KeyOrSessionGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly sessions: StaffSessions,
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<KeyOrSessionRule>(RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const key = match ? await this.keys.authenticate(match[1]!) : null;
      if (!key) throw new DomainException('unauthorized', 'The API key is not valid or has been revoked.');
      if (!key.scopes.includes(rule.scope))
        throw new DomainException('forbidden', `This API key lacks the scope ${rule.scope}.`);
      request.keyOrSessionActor = { type: 'api_key', id: key.id, scopes: key.scopes };
      return true;
    }
    const session = await this.sessions.resolve(request.cookies?.[sessionCookie(this.config).name]);
    if (!session)
      throw new DomainException(
        'unauthorized',
        'Send an API key as "Authorization: Bearer <key>" or sign in to the console.',
      );
    if (!rule.roles.includes(session.user.role)) throw new DomainException('forbidden', rule.refusal);
    request.keyOrSessionActor = session.actor;
    return true;
  }
}

/** Guards a controller or route with KeyOrSessionGuard and documents the key's scope. */
export function KeyOrSession(rule: KeyOrSessionRule): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(RULE, rule),
    UseGuards(KeyOrSessionGuard),
    ApiBearerAuth(),
    ApiExtension('x-scopes', [rule.scope]),
    ApiUnauthorizedResponse({ description: 'No API key or console session, or an invalid one' }),
    ApiForbiddenResponse({
      description: `The key lacks ${rule.scope}, or the session's role is not ${rule.roles.join('/')}`,
    }),
  );
}

/** The actor KeyOrSessionGuard let in: the API key or the staff member. */
export const KeyOrSessionActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<RequestWithActor>().keyOrSessionActor;
  if (!actor) throw new DomainException('unauthorized', 'No API key or session on this request.');
  return actor;
});

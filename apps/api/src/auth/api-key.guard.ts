import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  applyDecorators,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DomainException } from '@app/core';
import { ApiKeyPrincipal, ApiKeyService, ApiScope } from '@app/identity';
import type { FastifyRequest } from 'fastify';

const SCOPES = 'resonance:scopes';

type RequestWithKey = FastifyRequest & { apiKey?: ApiKeyPrincipal };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithKey>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match)
      throw new DomainException('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
    const principal = await this.keys.authenticate(match[1]!);
    if (!principal)
      throw new DomainException('unauthorized', 'The API key is not valid or has been revoked.');
    const required =
      this.reflector.getAllAndOverride<ApiScope[]>(SCOPES, [context.getHandler(), context.getClass()]) ?? [];
    const missing = required.filter((scope) => !principal.scopes.includes(scope));
    if (missing.length > 0) {
      throw new DomainException('forbidden', `This API key lacks the scope ${missing.join(', ')}.`);
    }
    request.apiKey = principal;
    return true;
  }
}

/** Guards a controller or route with an API key holding every listed scope. */
export function ApiKeyAuth(...scopes: ApiScope[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(SCOPES, scopes),
    UseGuards(ApiKeyGuard),
    ApiBearerAuth(),
    ApiExtension('x-scopes', scopes),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or revoked API key' }),
    ApiForbiddenResponse({
      description: `The key lacks a required scope${scopes.length ? `: ${scopes.join(', ')}` : ''}`,
    }),
  );
}

export const CurrentApiKey = createParamDecorator(
  (_: unknown, context: ExecutionContext): ApiKeyPrincipal => {
    const principal = context.switchToHttp().getRequest<RequestWithKey>().apiKey;
    if (!principal) throw new DomainException('unauthorized', 'No API key on this request.');
    return principal;
  },
);

import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { StaffRole } from '@app/audit';
import { ComplaintQueries } from '@app/complaints';
import { AppConfig } from '@app/config';
import { DomainException } from '@app/core';
import { StaffSession, StaffSessions } from '@app/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleExceptionFilter } from './console-exception.filter';

const ROLES = 'resonance:console-roles';

export type ConsoleRequest = FastifyRequest & {
  staffSession?: StaffSession;
  /** Open complaints due soon and overdue, for the navigation of those who work the register. */
  complaintDeadlines?: { dueSoon: number; overdue: number };
};

const REGISTER_ROLES: readonly StaffRole[] = ['expert', 'compliance', 'admin'];

/** Where a signed-in user starts. */
export const HOME_BY_ROLE: Record<StaffRole, string> = {
  agent: '/console/queue',
  expert: '/console/queue',
  compliance: '/console/complaints',
  admin: '/console/dashboard',
};

/** The session cookie: `__Host-` prefixed and Secure unless the console is served from localhost. */
export function sessionCookie(config: AppConfig): { name: string; secure: boolean } {
  const host = new URL(config.publicBaseUrl).hostname;
  const local =
    host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
  return local
    ? { name: 'resonance_session', secure: false }
    : { name: '__Host-resonance_session', secure: true };
}

export function setSessionCookie(reply: FastifyReply, config: AppConfig, token: string | null): void {
  const cookie = sessionCookie(config);
  void reply.setCookie(cookie.name, token ?? '', {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: cookie.secure,
    ...(token ? {} : { maxAge: 0 }),
  });
}

/**
 * Every console route: a live session (else the sign-in page with `next=`), a role allowed on the
 * route (else 403), and on every state-changing request a CSRF token matching the session (else 403).
 */
@Injectable()
export class ConsoleGuard implements CanActivate {
  constructor(
    private readonly sessions: StaffSessions,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly complaints: ComplaintQueries,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const session = await this.sessions.resolve(request.cookies?.[sessionCookie(this.config).name]);
    if (!session) throw new DomainException('unauthorized', 'Sign in to continue.');
    request.staffSession = session;
    const roles =
      this.reflector.getAllAndOverride<StaffRole[]>(ROLES, [context.getHandler(), context.getClass()]) ?? [];
    if (!roles.includes(session.user.role))
      throw new DomainException('forbidden', 'Your role does not open this page.');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const body = request.body as Record<string, unknown> | undefined;
      if (!this.sessions.verifyCsrf(session, body?._csrf))
        throw new DomainException('forbidden', 'The form has expired. Reload the page and try again.');
    } else if (REGISTER_ROLES.includes(session.user.role)) {
      request.complaintDeadlines = await this.complaints.deadlineCounts();
    }
    return true;
  }
}

/** A console controller open to these roles (a route may narrow them with `@Roles`). */
export function Console(...roles: StaffRole[]): ClassDecorator {
  return applyDecorators(
    SetMetadata(ROLES, roles),
    UseGuards(ConsoleGuard),
    UseFilters(ConsoleExceptionFilter),
    ApiExcludeController(),
  );
}

/** The roles of one route, replacing its controller's. */
export const Roles = (...roles: StaffRole[]): MethodDecorator => SetMetadata(ROLES, roles);

export const CurrentSession = createParamDecorator((_: unknown, context: ExecutionContext): StaffSession => {
  const session = context.switchToHttp().getRequest<ConsoleRequest>().staffSession;
  if (!session) throw new DomainException('unauthorized', 'Sign in to continue.');
  return session;
});

/** Same-origin path only: `next=//evil.example`, `next=https://…` or `next=/\evil` fall back to home. */
export function safeNext(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length > 500) return fallback;
  if (!/^\/console(\/|$|\?)/.test(next)) return fallback;
  if (next.startsWith('//') || next.includes('\\') || /[\u0000-\u001f\u007f]/.test(next)) return fallback;
  return next;
}

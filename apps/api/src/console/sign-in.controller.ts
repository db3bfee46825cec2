import { createHmac } from 'node:crypto';
import { Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IANAZone } from 'luxon';
import { AppConfig } from '@app/config';
import { constantTimeEqual, randomToken } from '@app/core';
import { StaffSession, StaffSessions } from '@app/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  Console,
  ConsoleRequest,
  CurrentSession,
  HOME_BY_ROLE,
  safeNext,
  sessionCookie,
  setSessionCookie,
} from './console-auth';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { ConsoleLocale, ConsoleRenderer } from './console-renderer.service';
import { field, Form, FormFields, Notice, seeOther } from './forms';

const PRE_SIGN_IN_COOKIE = 'resonance_sign_in';
/** Russia's zones west to east, then a few others; any valid IANA zone is accepted from the form. */
const PROFILE_ZONES = [
  'Europe/Kaliningrad',
  'Europe/Moscow',
  'Europe/Samara',
  'Asia/Yekaterinburg',
  'Asia/Omsk',
  'Asia/Novosibirsk',
  'Asia/Krasnoyarsk',
  'Asia/Irkutsk',
  'Asia/Yakutsk',
  'Asia/Vladivostok',
  'Asia/Magadan',
  'Asia/Kamchatka',
  'UTC',
  'Europe/London',
];

/** The sign-in page, its form token (a cookie-bound value, since there is no session yet) and home. */
@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class SignInController {
  constructor(
    private readonly sessions: StaffSessions,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async home(@Req() req: ConsoleRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = await this.sessions.resolve(req.cookies?.[sessionCookie(this.config).name]);
    seeOther(reply, session ? HOME_BY_ROLE[session.user.role] : '/console/login');
  }

  @Get('login')
  async form(
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const session = await this.sessions.resolve(req.cookies?.[sessionCookie(this.config).name]);
    const next = safeNext(query.next, session ? HOME_BY_ROLE[session.user.role] : '');
    if (session) {
      seeOther(reply, next);
      return;
    }
    this.showForm(reply, req, 200, localeOf(query.lang, req), next, null, '');
  }

  @Post('login')
  async signIn(
    @Form() form: FormFields,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const locale = localeOf(field(form, 'lang'), req);
    const next = safeNext(field(form, 'next'), '');
    const email = (field(form, 'email') ?? '').slice(0, 254);
    const nonce = req.cookies?.[PRE_SIGN_IN_COOKIE];
    const token = field(form, '_csrf');
    if (!nonce || !token || !constantTimeEqual(token, this.preSignInToken(nonce))) {
      return this.showForm(reply, req, 403, locale, next, 'signIn.expired', email);
    }
    const result = await this.sessions.signIn(email, (field(form, 'password') ?? '').slice(0, 1024), req.ip);
    if (result.outcome === 'throttled') {
      void reply.header('Retry-After', String(result.retryAfterSeconds));
      return this.showForm(reply, req, 429, locale, next, 'signIn.throttled', email);
    }
    if (result.outcome === 'invalid')
      return this.showForm(reply, req, 401, locale, next, 'signIn.invalid', email);
    // A previous session presented with this request ends here: signing in always starts a fresh one.
    const previous = await this.sessions.resolve(req.cookies?.[sessionCookie(this.config).name]);
    if (previous) await this.sessions.signOut(previous);
    setSessionCookie(reply, this.config, result.token);
    void reply.clearCookie(PRE_SIGN_IN_COOKIE, { path: '/console/login' });
    seeOther(reply, next || HOME_BY_ROLE[result.session.user.role]);
  }

  private showForm(
    reply: FastifyReply,
    req: FastifyRequest,
    status: number,
    locale: ConsoleLocale,
    next: string,
    error: string | null,
    email: string,
  ): void {
    let nonce = req.cookies?.[PRE_SIGN_IN_COOKIE];
    if (!nonce || !/^[\w-]{22,64}$/.test(nonce)) {
      nonce = randomToken(18);
      const secure = sessionCookie(this.config).secure;
      void reply.setCookie(PRE_SIGN_IN_COOKIE, nonce, {
        path: '/console/login',
        httpOnly: true,
        sameSite: 'strict',
        secure,
      });
    }
    this.pages.send(
      reply,
      status,
      'sign-in',
      { session: null, locale, title: this.pages.text(locale, 'signIn.title') },
      {
        error,
        email,
        next,
        signInToken: this.preSignInToken(nonce),
        otherLocale: locale === 'ru' ? 'en' : 'ru',
      },
    );
  }

  private preSignInToken(nonce: string): string {
    return createHmac('sha256', this.config.appSecret).update(`sign-in-form:${nonce}`).digest('base64url');
  }
}

/** Sign-out (here or everywhere) and the user's language and time zone. */
@Console('agent', 'expert', 'compliance', 'admin')
@Controller('console')
export class SessionController {
  constructor(
    private readonly sessions: StaffSessions,
    private readonly pages: ConsoleRenderer,
    private readonly config: AppConfig,
  ) {}

  @Post('logout')
  async signOut(@CurrentSession() session: StaffSession, @Res() reply: FastifyReply): Promise<void> {
    await this.sessions.signOut(session);
    setSessionCookie(reply, this.config, null);
    seeOther(reply, '/console/login');
  }

  @Post('logout-everywhere')
  async signOutEverywhere(
    @CurrentSession() session: StaffSession,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.signOutEverywhere(session.actor, session.user.id);
    setSessionCookie(reply, this.config, null);
    seeOther(reply, '/console/login');
  }

  /** The user's own page: language, time zone, sign out everywhere. */
  @Get('profile')
  async profile(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const locale = session.user.locale;
    const zones = PROFILE_ZONES.includes(session.user.timeZone)
      ? PROFILE_ZONES
      : [session.user.timeZone, ...PROFILE_ZONES];
    this.pages.send(
      reply,
      200,
      'profile',
      { session, locale, title: this.pages.text(locale, 'profile.title') },
      {
        zones,
        notice,
        // The morning deadline emails go to experts (and admins with complaints assigned).
        deadlineEmailsShown: session.user.role === 'expert' || session.user.role === 'admin',
        deadlineEmails: await this.sessions.deadlineEmails(session),
        weeklyDigest: await this.sessions.weeklyDigest(session),
      },
    );
  }

  @Post('profile/deadline-emails')
  async deadlineEmails(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.setDeadlineEmails(session, field(form, 'deadlineEmails') === 'on');
    seeOther(reply, '/console/profile?notice=deadline_emails');
  }

  @Post('profile/weekly-digest')
  async weeklyDigest(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.setWeeklyDigest(session, field(form, 'weeklyDigest') === 'on');
    seeOther(reply, '/console/profile?notice=weekly_digest');
  }

  /** Language and time zone; back to the page the form was on (same-origin Referer), else home. */
  @Post('preferences')
  async preferences(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const locale = field(form, 'locale') === 'ru' ? 'ru' : 'en';
    const zone = field(form, 'timeZone');
    const timeZone = zone && zone.length <= 64 && IANAZone.isValidZone(zone) ? zone : session.user.timeZone;
    await this.sessions.setPreferences(session, locale, timeZone);
    let back: string | undefined;
    try {
      const referer = new URL(req.headers.referer ?? '');
      if (referer.origin === new URL(this.config.publicBaseUrl).origin || referer.host === req.headers.host)
        back = referer.pathname + referer.search;
    } catch {
      back = undefined;
    }
    seeOther(reply, safeNext(back, HOME_BY_ROLE[session.user.role]));
  }
}

function localeOf(requested: unknown, req: FastifyRequest): ConsoleLocale {
  if (requested === 'ru' || requested === 'en') return requested;
  const accept = req.headers['accept-language'];
  return typeof accept === 'string' && /^\s*ru\b/i.test(accept) ? 'ru' : 'en';
}

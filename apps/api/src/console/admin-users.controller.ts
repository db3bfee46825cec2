import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { STAFF_ROLES } from '@app/audit';
import { API_SCOPES, ApiKeyService, StaffSession, StaffUserService } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { AdminOutcome, sendAdminPage } from './admin-page';
import { Console, CurrentSession } from './console-auth';
import { ConsoleRenderer } from './console-renderer.service';
import { ApiKeyForm, NewUserForm, UserChangeForm } from './console-forms';
import { asList, formDto } from './form-dto';
import { field, fields, Form, FormFields, Notice, refusalOf, seeOther, submitForm } from './forms';

/** Who works in the console and who calls the API: staff users and roles, API keys (the secret shown once). */
@Console('admin')
@Controller('console/admin')
export class AdminUsersController {
  constructor(
    private readonly users: StaffUserService,
    private readonly keys: ApiKeyService,
    private readonly pages: ConsoleRenderer,
  ) {}

  @Get()
  async usersPage(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showUsers(reply, session, 200, { notice });
  }

  @Post('users')
  async createUser(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = {
      email: field(form, 'email') ?? '',
      name: field(form, 'name') ?? '',
      role: field(form, 'role') ?? '',
      locale: field(form, 'locale') === 'en' ? ('en' as const) : ('ru' as const),
    };
    await submitForm(
      reply,
      '/console/admin?notice=user_created',
      (refusal) => this.showUsers(reply, session, refusal.status, refusal, values),
      async () => {
        const user = await formDto(NewUserForm, form);
        return this.users.create(session.actor, {
          email: user.email,
          name: user.name,
          role: user.role,
          locale: user.locale === 'en' ? 'en' : 'ru',
          password: user.password,
        });
      },
    );
  }

  @Post('users/:id')
  async updateUser(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await submitForm(
      reply,
      '/console/admin?notice=user_updated',
      (refusal) => this.showUsers(reply, session, refusal.status, refusal),
      async () => {
        const change = await formDto(UserChangeForm, form);
        return this.users.update(
          session.actor,
          id,
          change.action === 'disable'
            ? { disabled: true }
            : change.action === 'enable'
              ? { disabled: false }
              : { role: change.role ?? '' },
        );
      },
    );
  }

  private async showUsers(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome,
    values: Record<string, string> = { name: '', email: '', role: '', locale: '' },
  ): Promise<void> {
    sendAdminPage(this.pages, reply, session, status, 'admin-users', 'admin.users', outcome, {
      users: await this.users.list(),
      roles: STAFF_ROLES,
      me: session.user.id,
      values,
    });
  }

  @Get('api-keys')
  async keysPage(
    @CurrentSession() session: StaffSession,
    @Notice() notice: string | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.showKeys(reply, session, 200, { notice });
  }

  /** Renders the page with the new secret instead of redirecting: it exists only in this response. */
  @Post('api-keys')
  async createKey(
    @CurrentSession() session: StaffSession,
    @Form() form: FormFields,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = { name: field(form, 'name') ?? '', scopes: fields(form, 'scopes') };
    try {
      const typed = await formDto(ApiKeyForm, form);
      const key = await this.keys.create(session.actor, { name: typed.name, scopes: asList(typed.scopes) });
      await this.showKeys(reply, session, 201, { notice: 'key_created', secret: key.secret });
    } catch (error) {
      const refusal = refusalOf(error);
      await this.showKeys(reply, session, refusal.status, refusal, values);
    }
  }

  @Post('api-keys/:id/revoke')
  async revokeKey(
    @CurrentSession() session: StaffSession,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.keys.revoke(session.actor, id);
    seeOther(reply, '/console/admin/api-keys?notice=key_revoked');
  }

  private async showKeys(
    reply: FastifyReply,
    session: StaffSession,
    status: number,
    outcome: AdminOutcome,
    values: { name: string; scopes: string[] } = { name: '', scopes: [] },
  ): Promise<void> {
    sendAdminPage(this.pages, reply, session, status, 'admin-api-keys', 'admin.apiKeys', outcome, {
      keys: await this.keys.list(),
      scopes: API_SCOPES,
      values,
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Actor, AuditService, STAFF_ROLES, StaffRole } from '@app/audit';
import {
  Clock,
  DomainException,
  FieldError,
  isUuid,
  NotFoundException,
  ValidationFailedException,
} from '@app/core';
import { Repository } from 'typeorm';
import { PasswordHasher } from './password-hasher';
import { StaffUserEntity } from './staff-user.entity';

export interface NewStaffUser {
  email: string;
  name: string;
  role: string;
  password: string;
  locale?: 'ru' | 'en';
}

export interface StaffUserView {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
}

const EMAIL = /^[^\s@<>",;]{1,64}@[^\s@<>",;]{1,253}\.[^\s@<>",;]{2,}$/;

@Injectable()
export class StaffUserService {
  constructor(
    @InjectRepository(StaffUserEntity) private readonly users: Repository<StaffUserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: NewStaffUser): Promise<StaffUserView> {
    const email = input.email?.trim().toLowerCase() ?? '';
    const name = input.name?.trim() ?? '';
    const errors: FieldError[] = [];
    if (!EMAIL.test(email) || email.length > 254)
      errors.push({ path: 'email', message: 'must be an email address' });
    if (name.length === 0 || name.length > 200)
      errors.push({ path: 'name', message: 'must be 1 to 200 characters' });
    if (!(STAFF_ROLES as readonly string[]).includes(input.role)) {
      errors.push({ path: 'role', message: `must be one of ${STAFF_ROLES.join(', ')}` });
    }
    if (typeof input.password !== 'string' || input.password.length < 12 || input.password.length > 1024) {
      errors.push({ path: 'password', message: 'must be 12 to 1024 characters' });
    }
    if (errors.length > 0) throw new ValidationFailedException(errors);

    const now = this.clock.now();
    const passwordHash = await this.hasher.hash(input.password);
    const inserted = await this.users
      .createQueryBuilder()
      .insert()
      .values({
        email,
        name,
        role: input.role as StaffRole,
        passwordHash,
        locale: input.locale ?? 'ru',
        timeZone: 'Europe/Moscow',
        createdAt: now,
        updatedAt: now,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    if (!id) throw new DomainException('conflict', 'A staff user with this email exists already.');
    await this.audit.record(actor, {
      action: 'staff_user.created',
      entityType: 'staff_user',
      entityId: id,
      after: { role: input.role },
    });
    return { id, email, name, role: input.role as StaffRole };
  }

  async count(): Promise<number> {
    return this.users.count();
  }

  /** Every staff member's display name by id (for "assigned to", "reviewed by"). */
  async names(): Promise<Map<string, string>> {
    const rows = await this.users.find({ select: { id: true, name: true } });
    return new Map(rows.map((u) => [u.id, u.name]));
  }

  /** Active agents and experts: who a task may be assigned to. */
  async assignable(): Promise<{ id: string; name: string; role: StaffRole }[]> {
    const rows = await this.users
      .createQueryBuilder('u')
      .select(['u.id', 'u.name', 'u.role'])
      .where(`u.role IN ('agent', 'expert') AND u.disabled_at IS NULL`)
      .orderBy('u.name')
      .getMany();
    return rows.map((u) => ({ id: u.id, name: u.name, role: u.role }));
  }

  async list(): Promise<(StaffUserView & { disabled: boolean; createdAt: string })[]> {
    const rows = await this.users.find({ order: { createdAt: 'ASC' } });
    return rows.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      disabled: u.disabledAt !== null,
      createdAt: u.createdAt.toISOString(),
    }));
  }

  /** Changes a user's role or disables them; disabling revokes their sessions. */
  async update(actor: Actor, id: string, change: { role?: string; disabled?: boolean }): Promise<void> {
    if (change.role !== undefined && !(STAFF_ROLES as readonly string[]).includes(change.role))
      throw new ValidationFailedException([
        { path: 'role', message: `must be one of ${STAFF_ROLES.join(', ')}` },
      ]);
    if (
      actor.type === 'staff' &&
      actor.id === id &&
      (change.disabled || (change.role && change.role !== 'admin'))
    )
      throw new DomainException('conflict', 'Admins cannot disable or demote themselves.');
    const user = isUuid(id) ? await this.users.findOne({ where: { id } }) : null;
    if (!user) throw new NotFoundException('The staff user');
    const before = { role: user.role, disabled: user.disabledAt !== null };
    const after = {
      role: (change.role as StaffRole | undefined) ?? user.role,
      disabled: change.disabled ?? before.disabled,
    };
    const now = this.clock.now();
    await this.users.manager.transaction(async (manager) => {
      await manager.update(
        StaffUserEntity,
        { id },
        { role: after.role, disabledAt: after.disabled ? (user.disabledAt ?? now) : null, updatedAt: now },
      );
      // Disabling revokes the user's sessions for good: re-enabling later must not bring an old cookie back.
      if (after.disabled && !before.disabled)
        await manager.query(
          `UPDATE staff_session SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
          [id, now],
        );
      await this.audit.record(
        actor,
        { action: 'staff_user.updated', entityType: 'staff_user', entityId: id, before, after },
        manager,
      );
    });
  }

  async findByEmail(email: string): Promise<StaffUserView | null> {
    const user = await this.users
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
    return user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
  }
}

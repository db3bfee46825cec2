import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { FieldError } from '@app/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface BorrowerReference {
  externalId?: string | null;
  name?: string | null;
  phone?: string | null;
  email?: string | null;
}

export interface FoundBorrower {
  id: string;
  externalId: string;
  created: boolean;
}

export interface FoundContactEvent {
  id: string;
  borrowerId: string;
  touchpoint: string;
  product: string | null;
}

/** Borrowers created outside a contact (a letter, a call) get an external id the lender can recognise. */
const LOCAL_EXTERNAL_ID_PREFIX = 'resonance-';
const DEFAULT_TIME_ZONE = 'Europe/Moscow';

/**
 * Finding a borrower who reaches the lender other than through a contact event (a complaint by
 * letter, by phone, forwarded by the regulator): by the lender's external id, else by phone, else by
 * email; created when none matches. The caller holds an advisory lock on the reference, so two
 * registrations for the same new borrower do not create two.
 */
@Injectable()
export class BorrowerDirectory {
  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async findOrCreate(manager: EntityManager, ref: BorrowerReference): Promise<FoundBorrower> {
    const [found]: { id: string; external_id: string }[] = await manager.query(
      `SELECT id, external_id FROM borrower
        WHERE ($1::text IS NOT NULL AND external_id = $1)
           OR ($1::text IS NULL AND $2::text IS NOT NULL AND phone = $2)
           OR ($1::text IS NULL AND $2::text IS NULL AND $3::text IS NOT NULL AND lower(email) = lower($3))
        ORDER BY (external_id = $1) DESC NULLS LAST, anonymised_at IS NULL DESC, created_at DESC
        LIMIT 1`,
      [ref.externalId ?? null, ref.phone ?? null, ref.email ?? null],
    );
    if (found) return { id: found.id, externalId: found.external_id, created: false };
    const externalId = ref.externalId ?? `${LOCAL_EXTERNAL_ID_PREFIX}${randomUUID()}`;
    const [created]: { id: string }[] = await manager.query(
      `INSERT INTO borrower (external_id, name, phone, email, locale, time_zone) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (external_id) DO UPDATE SET updated_at = borrower.updated_at RETURNING id`,
      [
        externalId,
        ref.name ?? null,
        ref.phone ?? null,
        ref.email ?? null,
        this.config.defaultLocale,
        DEFAULT_TIME_ZONE,
      ],
    );
    return { id: created!.id, externalId, created: true };
  }

  /**
   * Borrowers a person in the console is looking for: by external id, phone or email exactly, or by
   * the start of their first or last name. At most `limit`, names first.
   */
  async search(
    query: string,
    limit = 20,
  ): Promise<
    { id: string; externalId: string; name: string | null; phone: string | null; email: string | null }[]
  > {
    const q = query.trim();
    const digits = q.replace(/[^\d]/g, '');
    const phone = /^[+\d\s()-]{7,}$/.test(q)
      ? `+${digits.length === 10 ? `7${digits}` : digits.replace(/^8(\d{10})$/, '7$1')}`
      : null;
    const rows: {
      id: string;
      external_id: string;
      name: string | null;
      phone: string | null;
      email: string | null;
    }[] = await this.db.query(
      `SELECT id, external_id, name, phone, email FROM borrower
          WHERE external_id = $1
             OR ($2::text IS NOT NULL AND phone = $2)
             OR (position('@' in $1) > 0 AND lower(email) = lower($1))
             OR (length($1) >= 2 AND (lower(name) LIKE $3 || '%' OR lower(name) LIKE '% ' || $3 || '%'))
          ORDER BY name NULLS LAST, external_id LIMIT $4`,
      [q, phone, q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`), limit],
    );
    return rows.map((r) => ({
      id: r.id,
      externalId: r.external_id,
      name: r.name,
      phone: r.phone,
      email: r.email,
    }));
  }

  /** The contact event a complaint is about, by the lender's id of it; an error when there is none. */
  async contactEvent(
    manager: EntityManager,
    externalId: string,
    errors: FieldError[],
    path: string,
  ): Promise<FoundContactEvent | null> {
    const [event]: { id: string; borrower_id: string; touchpoint: string; product: string | null }[] =
      await manager.query(
        `SELECT id, borrower_id, touchpoint, product FROM contact_event WHERE external_id = $1`,
        [externalId],
      );
    if (!event) {
      errors.push({ path, message: 'no contact event has this external id' });
      return null;
    }
    return {
      id: event.id,
      borrowerId: event.borrower_id,
      touchpoint: event.touchpoint,
      product: event.product,
    };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, AuditService } from '@app/audit';
import {
  Clock,
  DomainException,
  FieldError,
  periodErrors,
  isPlainText,
  isUuid,
  NotFoundException,
  ValidationFailedException,
} from '@app/core';
import { queryRows } from '@app/database';
import { DataSource } from 'typeorm';

export const TARGET_METRICS = ['CSI', 'CSAT', 'NPS', 'CLI'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

/** Each figure's scale: a target outside it can never be met or missed. */
export const TARGET_SCALES: Record<TargetMetric, { min: number; max: number }> = {
  CSI: { min: 1, max: 5 },
  CSAT: { min: 0, max: 100 },
  NPS: { min: -100, max: 100 },
  CLI: { min: 0, max: 10 },
};
const MAX_TARGET_DAYS = 3 * 366;

export interface TargetInput {
  metric: string;
  value: number;
  from: string;
  to: string;
  touchpoint?: string | null;
  product?: string | null;
}

export interface MetricTarget {
  id: string;
  metric: TargetMetric;
  value: number;
  from: string;
  to: string;
  touchpoint: string | null;
  product: string | null;
  setAt: string;
}

/**
 * The lender's targets (table `metric_target`, owned here). A target applies to a period it overlaps,
 * for the same scope (the whole lender, or one touchpoint or product, as the period is filtered);
 * of several, the one in force on the period's last day, else the latest to start. Set and archived,
 * never edited; both audited.
 */
@Injectable()
export class MetricTargets {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async set(actor: Actor, input: TargetInput): Promise<MetricTarget> {
    const errors: FieldError[] = [];
    const metric = input.metric as TargetMetric;
    if (!(TARGET_METRICS as readonly string[]).includes(input.metric))
      errors.push({ path: 'metric', message: `must be one of ${TARGET_METRICS.join(', ')}` });
    else {
      const scale = TARGET_SCALES[metric];
      if (
        typeof input.value !== 'number' ||
        !Number.isFinite(input.value) ||
        input.value < scale.min ||
        input.value > scale.max
      )
        errors.push({ path: 'value', message: `must be a number from ${scale.min} to ${scale.max}` });
      else if (Math.round(input.value * 100) !== input.value * 100)
        errors.push({ path: 'value', message: 'must have at most two decimals' });
    }
    errors.push(...periodErrors(input, MAX_TARGET_DAYS));
    for (const key of ['touchpoint', 'product'] as const) {
      const value = input[key];
      if (value !== undefined && value !== null && (!isPlainText(value, 'identifier') || value.length > 100))
        errors.push({ path: key, message: 'must be 1 to 100 characters' });
    }
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const rows: Record<string, unknown>[] = await manager.query(
        `INSERT INTO metric_target (metric, value, starts_on, ends_on, touchpoint, product, set_by, set_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (metric, touchpoint, product, starts_on) WHERE archived_at IS NULL DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          metric,
          input.value,
          input.from,
          input.to,
          input.touchpoint || null,
          input.product || null,
          `${actor.type}:${actor.id}`,
          now,
        ],
      );
      if (!rows[0])
        throw new DomainException(
          'conflict',
          'A target for this figure, scope and start already exists; archive it first.',
        );
      const target = toTarget(rows[0]);
      await this.audit.record(
        actor,
        {
          action: 'metric_target.set',
          entityType: 'metric_target',
          entityId: target.id,
          after: { ...target },
        },
        manager,
      );
      return target;
    });
  }

  async archive(actor: Actor, id: string): Promise<void> {
    if (!isUuid(id)) throw new NotFoundException('The target');
    await this.db.transaction(async (manager) => {
      const rows = await queryRows<Record<string, unknown>>(
        manager,
        `UPDATE metric_target SET archived_at = $2 WHERE id = $1 AND archived_at IS NULL RETURNING ${COLUMNS}`,
        [id, this.clock.now()],
      );
      if (!rows[0]) throw new NotFoundException('The target');
      await this.audit.record(
        actor,
        {
          action: 'metric_target.archived',
          entityType: 'metric_target',
          entityId: id,
          before: { ...toTarget(rows[0]) },
        },
        manager,
      );
    });
  }

  /** Live targets, the latest periods first. */
  async list(): Promise<MetricTarget[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${COLUMNS} FROM metric_target WHERE archived_at IS NULL ORDER BY ends_on DESC, metric, touchpoint NULLS FIRST, product NULLS FIRST LIMIT 500`,
    );
    return rows.map(toTarget);
  }

  /** The target of one figure for a period and scope, or null. */
  async forPeriod(
    period: { from: string; to: string; touchpoint?: string; product?: string },
    metric: TargetMetric,
  ): Promise<MetricTarget | null> {
    return (await this.forPeriodAll(period)).find((t) => t.metric === metric) ?? null;
  }

  /** Every figure's target for a period and scope (the dashboard's tiles). */
  async forPeriodAll(period: {
    from: string;
    to: string;
    touchpoint?: string;
    product?: string;
  }): Promise<MetricTarget[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT DISTINCT ON (metric) ${COLUMNS} FROM metric_target
        WHERE archived_at IS NULL AND starts_on <= $2::date AND ends_on >= $1::date
          AND touchpoint IS NOT DISTINCT FROM $3::text AND product IS NOT DISTINCT FROM $4::text
        ORDER BY metric, ($2::date BETWEEN starts_on AND ends_on) DESC, starts_on DESC`,
      [period.from, period.to, period.touchpoint ?? null, period.product ?? null],
    );
    return rows.map(toTarget);
  }
}

const COLUMNS = `id, metric, value::float8 AS value, starts_on::text AS from, ends_on::text AS to, touchpoint, product, set_at`;

function toTarget(row: Record<string, unknown>): MetricTarget {
  return {
    id: row.id as string,
    metric: row.metric as TargetMetric,
    value: Number(row.value),
    from: row.from as string,
    to: row.to as string,
    touchpoint: (row.touchpoint as string | null) ?? null,
    product: (row.product as string | null) ?? null,
    setAt: (row.set_at as Date).toISOString(),
  };
}

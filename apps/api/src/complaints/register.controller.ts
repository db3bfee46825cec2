import { PassThrough } from 'node:stream';
import { Controller, Get, Query, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Actor } from '@app/audit';
import {
  CLASSIFICATIONS,
  COMPLAINT_CATEGORIES,
  RECEIVED_VIA,
  RegisterExport,
  validateRegisterFilters,
} from '@app/complaints';
import { ValidationFailedException } from '@app/core';
import type { FastifyReply } from 'fastify';
import { KeyOrSession, KeyOrSessionActor } from '../auth/key-or-session.guard';

const REGISTER_PARAMETERS = [
  'from',
  'to',
  'format',
  'lang',
  'status',
  'classification',
  'category',
  'channel',
  'overdue',
];

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

@ApiTags('complaints')
@Controller('api/v1/complaints/register')
@KeyOrSession({
  scope: 'complaints:export',
  roles: ['compliance', 'admin'],
  refusal: 'The register is exported by compliance officers and admins.',
})
export class RegisterController {
  constructor(private readonly register: RegisterExport) {}

  @Get()
  @ApiOperation({
    summary:
      'The complaint register for a period, streamed as CSV (UTF-8 with BOM) or XLSX; audited. ' +
      'An API key with complaints:export or a compliance/admin console session.',
  })
  @ApiQuery({ name: 'from', example: '2026-11-01' })
  @ApiQuery({ name: 'to', example: '2026-11-30' })
  @ApiQuery({ name: 'format', enum: ['csv', 'xlsx'], required: false })
  @ApiQuery({
    name: 'lang',
    enum: ['en', 'ru'],
    required: false,
    description: 'en: machine codes (default); ru: Russian titles and values',
  })
  @ApiQuery({ name: 'status', enum: ['registered', 'under_review', 'resolved'], required: false })
  @ApiQuery({ name: 'classification', enum: CLASSIFICATIONS, required: false })
  @ApiQuery({ name: 'category', enum: COMPLAINT_CATEGORIES, required: false })
  @ApiQuery({ name: 'channel', enum: RECEIVED_VIA, required: false, description: 'Received via' })
  @ApiQuery({ name: 'overdue', enum: ['true', 'false'], required: false })
  @ApiProduces(CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  @ApiOkResponse({
    description: 'The register file, streamed (`Content-Disposition: attachment`)',
    content: {
      [CONTENT_TYPES.csv]: { schema: { type: 'string', example: 'register_no,registered_at,…\r\n' } },
      [CONTENT_TYPES.xlsx]: { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiTooManyRequestsResponse({
    description: 'rate_limited: this user already runs as many exports as allowed (Retry-After)',
  })
  @ApiServiceUnavailableResponse({ description: 'unavailable: every export slot is busy (Retry-After)' })
  async export(
    @Query() query: Record<string, unknown>,
    @KeyOrSessionActor() actor: Actor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const unknown = Object.keys(query).filter((k) => !REGISTER_PARAMETERS.includes(k));
    if (unknown.length > 0) {
      throw new ValidationFailedException(
        unknown
          .slice(0, 10)
          .map((k) => ({ path: k.slice(0, 50), message: 'is not a parameter of the register' })),
      );
    }
    const { filters, format, lang } = validateRegisterFilters(query);
    const lease = await this.register.reserve(actor, filters, format);
    const body = new PassThrough({ highWaterMark: 256 * 1024 });
    void reply
      .header('Content-Type', CONTENT_TYPES[format])
      .header(
        'Content-Disposition',
        `attachment; filename="complaint-register_${filters.from}_${filters.to}.${format}"`,
      )
      .header('Cache-Control', 'no-store')
      .send(body);
    await this.register
      .export(actor, filters, format, lang, body)
      .catch((error: unknown) => body.destroy(error as Error))
      .finally(() => lease.release());
  }
}

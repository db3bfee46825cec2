import { PassThrough } from 'node:stream';
import { Controller, Get, Query, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  OmitType,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { RESPONSE_COLUMNS, ResponseExport } from '@app/analytics';
import { Actor } from '@app/audit';
import { EXPORT_FORMATS, ExportFormat } from '@app/exports';
import type { FastifyReply } from 'fastify';
import { KeyOrSession, KeyOrSessionActor } from '../auth/key-or-session.guard';
import { ResponseListQuery } from './responses.controller';

export class ResponseExportQuery extends OmitType(ResponseListQuery, ['limit', 'cursor'] as const) {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({
    enum: ['en', 'ru'],
    default: 'en',
    description: 'en: machine codes under the column names; ru: Russian titles and values',
  })
  @IsOptional()
  @IsIn(['en', 'ru'])
  lang?: 'en' | 'ru';
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

@ApiTags('responses')
@Controller('api/v1/responses/export')
@KeyOrSession({
  scope: 'responses:read',
  roles: ['expert', 'compliance', 'admin'],
  refusal: 'Answers are exported by experts, compliance officers and admins.',
})
export class ResponsesExportController {
  constructor(private readonly responses: ResponseExport) {}

  @Get()
  @ApiOperation({
    summary:
      'Every answer the filters select, newest first, streamed as CSV (UTF-8 with BOM) or XLSX; audited. ' +
      'An API key with responses:read or an expert/compliance/admin console session.',
  })
  @ApiProduces(CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  @ApiOkResponse({
    description: 'The file, streamed (`Content-Disposition: attachment`)',
    content: {
      [CONTENT_TYPES.csv]: { schema: { type: 'string', example: `${RESPONSE_COLUMNS.join(',')}\r\n` } },
      [CONTENT_TYPES.xlsx]: { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiTooManyRequestsResponse({
    description: 'rate_limited: this user already runs as many exports as allowed (Retry-After)',
  })
  @ApiServiceUnavailableResponse({ description: 'unavailable: every export slot is busy (Retry-After)' })
  async export(
    @Query() query: ResponseExportQuery,
    @KeyOrSessionActor() actor: Actor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { format = 'csv', lang = 'en', ...filters } = query;
    const lease = await this.responses.reserve(actor, filters, format);
    const body = new PassThrough({ highWaterMark: 256 * 1024 });
    const period = [filters.from ?? 'start', filters.to ?? 'now'].join('_');
    void reply
      .header('Content-Type', CONTENT_TYPES[format])
      .header('Content-Disposition', `attachment; filename="responses_${period}.${format}"`)
      .header('Cache-Control', 'no-store')
      .send(body);
    await this.responses
      .export(actor, filters, format, lang, body)
      .catch((error: unknown) => body.destroy(error as Error))
      .finally(() => lease.release());
  }
}

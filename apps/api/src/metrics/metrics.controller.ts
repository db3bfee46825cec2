import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { METRIC_GROUPS, MetricGroup, MetricSums, SURVEY_KINDS, SurveyKind } from '@app/analytics';
import { AppConfig } from '@app/config';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { MetricsReportDto } from './metrics.dto';

export class MetricsQuery {
  @ApiProperty({ example: '2026-11-01', description: 'First day, in the lender’s time zone' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-11-30', description: 'Last day, inclusive' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;

  @ApiProperty({ enum: SURVEY_KINDS })
  @IsIn(SURVEY_KINDS)
  kind!: SurveyKind;

  @ApiPropertyOptional({ enum: METRIC_GROUPS, default: 'day' })
  @IsOptional()
  @IsIn(METRIC_GROUPS)
  groupBy?: Exclude<MetricGroup, 'all'>;

  @ApiPropertyOptional({ example: 'chat' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  touchpoint?: string;

  @ApiPropertyOptional({ enum: ['sms', 'email', 'in_app'] })
  @IsOptional()
  @IsIn(['sms', 'email', 'in_app'])
  channel?: string;

  @ApiPropertyOptional({ example: 'PDL' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  product?: string;
}

@ApiTags('metrics')
@Controller('api/v1/metrics')
@ApiKeyAuth('metrics:read')
export class MetricsController {
  constructor(
    private readonly metrics: MetricSums,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'CSI (mean 1–5) and CSAT (% of 4–5), NPS (% promoters − % detractors) or CLI (mean 0–10) per day, week, ' +
      'month, touchpoint, channel, product or survey, and for the whole period; computed from counts and sums ' +
      'of the daily rollups (current within a minute)',
  })
  @ApiOkResponse({ type: MetricsReportDto })
  get(@Query() query: MetricsQuery): Promise<MetricsReportDto> {
    const { groupBy = 'day', ...filters } = query;
    return this.metrics.report(filters, groupBy, this.config.lenderTimeZone);
  }
}

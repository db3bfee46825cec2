import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  COMPARISONS,
  Comparison,
  LenderCounts,
  METRIC_GROUPS,
  MetricGroup,
  MetricSums,
  RATIO_GROUPS,
  RatioGroup,
  SURVEY_KINDS,
  SurveyKind,
} from '@app/analytics';
import { AppConfig } from '@app/config';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { MetricsReportDto, RatiosReportDto } from './metrics.dto';

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

  @ApiPropertyOptional({
    enum: COMPARISONS,
    description: 'previous: the same number of days just before; year: the same days a year earlier',
  })
  @IsOptional()
  @IsIn(COMPARISONS)
  compare?: Comparison;

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

  @ApiPropertyOptional({
    example: 'repeat',
    description:
      'The borrowers of one segment (as contact events and campaigns name it); read from the answers',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  segment?: string;
}

export class RatiosQuery {
  @ApiProperty({ example: '2026-11-01', description: 'First day, in the lender’s time zone' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-11-30', description: 'Last day, inclusive' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;

  @ApiPropertyOptional({ enum: RATIO_GROUPS, default: 'day' })
  @IsOptional()
  @IsIn(RATIO_GROUPS)
  groupBy?: RatioGroup;

  @ApiPropertyOptional({ example: 'PDL', description: 'One product’s figures and counts' })
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
    private readonly counts: LenderCounts,
    private readonly config: AppConfig,
  ) {}

  @Get('ratios')
  @ApiOperation({
    summary:
      'Contacts per application, complaints (every channel) and low scores per 1,000 loans issued, per day, week ' +
      'or month, read against the counts posted through PUT /api/v1/counts/{date}. A ratio is null where no ' +
      'count was posted; it counts only the days whose counts were.',
  })
  @ApiOkResponse({ type: RatiosReportDto })
  ratios(@Query() query: RatiosQuery): Promise<RatiosReportDto> {
    return this.counts.ratios(query);
  }

  @Get()
  @ApiOperation({
    summary:
      'CSI (mean 1–5) and CSAT (% of 4–5), NPS (% promoters − % detractors) or CLI (mean 0–10) per day, week, ' +
      'month, touchpoint, channel, product, survey, segment, operator (the event’s agentRef), comment category or ' +
      'question, and for the whole period, each with its answer count; with compare, against the period before or ' +
      'a year earlier; with the target and its gap when one is set. Computed from counts and sums of the daily ' +
      'rollups (current within a minute); segment, operator and question read the answers themselves.',
  })
  @ApiOkResponse({ type: MetricsReportDto })
  get(@Query() query: MetricsQuery): Promise<MetricsReportDto> {
    const { groupBy = 'day', compare, ...filters } = query;
    return this.metrics.report(filters, groupBy, this.config.lenderTimeZone, compare);
  }
}

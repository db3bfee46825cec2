import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MIN_SIGNIFICANT_ANSWERS } from '@app/analytics';

/** One kind's figures: CSI with CSAT, NPS with its three groups, or CLI (the fields of the kind asked for). */
export class MetricDto {
  @ApiProperty({ example: 128 }) responses!: number;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 4.21, description: 'CSI: the mean of 1–5' })
  csi?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 81.3, description: 'CSI: % of 4–5' })
  csat?: number | null;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 42,
    description: 'NPS: % promoters − % detractors',
  })
  nps?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 7.4, description: 'CLI: the mean of 0–10' })
  cli?: number | null;
  @ApiPropertyOptional({ example: 70 }) promoters?: number;
  @ApiPropertyOptional({ example: 38 }) passives?: number;
  @ApiPropertyOptional({ example: 20 }) detractors?: number;
}

export class ComparedMetricGroupDto extends MetricDto {
  @ApiProperty({ example: '2026-11-09', description: 'The compared group (time groups pair by position)' })
  key!: string;
  @ApiProperty({ description: `At least ${MIN_SIGNIFICANT_ANSWERS} answers: enough to read the figure` })
  significant!: boolean;
}

export class MetricGroupDto extends MetricDto {
  @ApiProperty({
    example: '2026-11-16',
    description:
      'The group: a day, week (its Monday), month, or a name (`—` for none); per question, the question id',
  })
  key!: string;
  @ApiProperty({ description: `At least ${MIN_SIGNIFICANT_ANSWERS} answers: enough to read the figure` })
  significant!: boolean;
  @ApiPropertyOptional({
    type: ComparedMetricGroupDto,
    nullable: true,
    description: 'With `compare`: the same group in the compared period (null when it had no answers)',
  })
  previous?: ComparedMetricGroupDto | null;
}

export class MetricTotalsDto extends MetricDto {
  @ApiPropertyOptional({ example: 45, description: 'The target set for this figure, period and scope' })
  target?: number;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: -3,
    description: 'The figure minus its target',
  })
  gap?: number | null;
  @ApiPropertyOptional({ type: MetricDto, description: 'With `compare`: the compared period’s totals' })
  previous?: MetricDto;
}

export class MetricsReportDto {
  @ApiProperty({ type: [MetricGroupDto] }) items!: MetricGroupDto[];
  @ApiProperty({ type: MetricTotalsDto }) totals!: MetricTotalsDto;
}

export class RatioDto {
  @ApiProperty({ example: '2026-11-16', description: 'The day, week (its Monday) or month (its first day)' })
  key!: string;
  @ApiProperty({ type: Number, nullable: true, example: 1.42, description: 'Contact events per application' })
  contactsPerApplication!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 3.75,
    description: 'Complaints per 1,000 loans issued',
  })
  complaintsPer1000Loans!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 12.5,
    description: 'Low scores per 1,000 loans issued',
  })
  lowScoresPer1000Loans!: number | null;
  @ApiProperty({ example: 1704, description: 'Contact events' }) contacts!: number;
  @ApiProperty({ example: 310 }) responses!: number;
  @ApiProperty({ example: 10, description: 'Low-score answers' }) lowScores!: number;
  @ApiProperty({ example: 3, description: 'Complaints registered, every channel' }) complaints!: number;
  @ApiProperty({ type: Number, nullable: true, example: 1200 }) applications!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 800 }) loansIssued!: number | null;
}

export class RatiosReportDto {
  @ApiProperty({ type: [RatioDto] }) items!: RatioDto[];
}

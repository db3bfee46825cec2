import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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

export class MetricGroupDto extends MetricDto {
  @ApiProperty({
    example: '2026-11-16',
    description: 'The group: a day, week (its Monday), month, or a name',
  })
  key!: string;
}

export class MetricsReportDto {
  @ApiProperty({ type: [MetricGroupDto] }) items!: MetricGroupDto[];
  @ApiProperty({ type: MetricDto }) totals!: MetricDto;
}

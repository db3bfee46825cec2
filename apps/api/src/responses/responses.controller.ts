import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ResponseQueries, SURVEY_KINDS } from '@app/analytics';
import { ApiKeyPrincipal } from '@app/identity';
import { ApiKeyAuth, CurrentApiKey } from '../auth/api-key.guard';

export class ResponseListQuery {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'First day, in the lender’s zone' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last day, in the lender’s zone' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ example: 'csi_service', description: 'The programme’s key' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  survey?: string;

  @ApiPropertyOptional({ enum: SURVEY_KINDS })
  @IsOptional()
  @IsIn(SURVEY_KINDS)
  kind?: string;

  @ApiPropertyOptional({ example: 'chat' }) @IsOptional() @IsString() @MaxLength(100) touchpoint?: string;
  @ApiPropertyOptional({ enum: ['sms', 'email', 'in_app'] })
  @IsOptional()
  @IsIn(['sms', 'email', 'in_app'])
  channel?: string;
  @ApiPropertyOptional({ example: 'PDL' }) @IsOptional() @IsString() @MaxLength(100) product?: string;
  @ApiPropertyOptional({ example: 'repeat' }) @IsOptional() @IsString() @MaxLength(100) segment?: string;
  @ApiPropertyOptional({ example: 'op-17', description: 'The contact event’s agentRef' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  operator?: string;
  @ApiPropertyOptional({ example: 'payments', description: 'A tag of the comment' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tag?: string;
  @ApiPropertyOptional({ example: 'collection_conduct', description: 'The comment’s main category' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Low scores only (or none)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  low?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'With a comment only (or without)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  hasComment?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A relationship campaign' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  campaign?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

class ResponseBorrowerDto {
  @ApiProperty({ example: 'b-1001' }) externalId!: string;
}

class ResponseEventDto {
  @ApiProperty({ example: 'crm-8841' }) externalId!: string;
}

class ResponseCampaignDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'NPS Q4' }) name!: string;
}

export class ResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) answeredAt!: string;
  @ApiProperty({ example: 'csi_service' }) survey!: string;
  @ApiProperty({ enum: SURVEY_KINDS }) kind!: string;
  @ApiProperty({ example: 2, description: 'The primary score (CLI: the mean of its three answers)' })
  score!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { satisfaction: 2 },
    description: 'Each question’s answer by question id',
  })
  answers!: Record<string, number>;
  @ApiProperty({ type: String, nullable: true, example: 'Списали платёж дважды' }) comment!: string | null;
  @ApiProperty({ type: [String], example: ['payments'] }) tags!: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'payments',
    description: 'The comment’s main category: its first tag other than `other`',
  })
  category!: string | null;
  @ApiProperty({ example: 'chat' }) touchpoint!: string;
  @ApiProperty({ enum: ['sms', 'email', 'in_app'] }) channel!: string;
  @ApiProperty({ type: String, nullable: true, example: 'PDL' }) product!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'repeat' }) segment!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'op-17' }) operator!: string | null;
  @ApiProperty({ type: ResponseBorrowerDto }) borrower!: ResponseBorrowerDto;
  @ApiProperty({ type: ResponseEventDto, nullable: true }) event!: ResponseEventDto | null;
  @ApiProperty({ type: ResponseCampaignDto, nullable: true }) campaign!: ResponseCampaignDto | null;
  @ApiProperty({ format: 'uuid' }) invitationId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) callbackTaskId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) complaintId!: string | null;
}

export class ResponsePageDto {
  @ApiProperty({ type: [ResponseDto] }) items!: ResponseDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}

@ApiTags('responses')
@Controller('api/v1/responses')
@ApiKeyAuth('responses:read')
export class ResponsesController {
  constructor(private readonly responses: ResponseQueries) {}

  @Get()
  @ApiOperation({
    summary: 'Every answer, newest first, with the dashboard’s filters; each page read is audited',
  })
  @ApiOkResponse({ type: ResponsePageDto })
  list(@Query() query: ResponseListQuery, @CurrentApiKey() key: ApiKeyPrincipal): Promise<ResponsePageDto> {
    return this.responses.list({ type: 'api_key', id: key.id, scopes: key.scopes }, query);
  }
}

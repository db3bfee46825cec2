import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { COMPLAINT_CATEGORIES, ComplaintQueries, RECEIVED_VIA } from '@app/complaints';
import { ApiKeyPrincipal } from '@app/identity';
import { ApiKeyAuth, CurrentApiKey } from '../auth/api-key.guard';
import { ComplaintDetailDto, ComplaintPageDto } from './complaint.dto';

export class ComplaintListQuery {
  @ApiPropertyOptional({ example: '2026-11-01' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: ['justified', 'partly_justified', 'unjustified'] })
  @IsOptional()
  @IsIn(['justified', 'partly_justified', 'unjustified'])
  classification?: string;

  @ApiPropertyOptional({ enum: COMPLAINT_CATEGORIES })
  @IsOptional()
  @IsIn(COMPLAINT_CATEGORIES)
  category?: string;

  @ApiPropertyOptional({ enum: ['registered', 'under_review', 'resolved'] })
  @IsOptional()
  @IsIn(['registered', 'under_review', 'resolved'])
  status?: string;

  @ApiPropertyOptional({ enum: RECEIVED_VIA, description: 'How the complaint was received' })
  @IsOptional()
  @IsIn(RECEIVED_VIA)
  channel?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Open complaints past their deadline only' })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

@ApiTags('complaints')
@Controller('api/v1/complaints')
@ApiKeyAuth('complaints:read')
export class ComplaintsController {
  constructor(private readonly complaints: ComplaintQueries) {}

  @Get()
  @ApiOperation({
    summary: 'The complaint register by registration date (in the lender’s zone); every read is audited',
  })
  @ApiOkResponse({ type: ComplaintPageDto })
  list(@Query() query: ComplaintListQuery, @CurrentApiKey() key: ApiKeyPrincipal): Promise<ComplaintPageDto> {
    return this.complaints.list({ type: 'api_key', id: key.id, scopes: key.scopes }, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One complaint in full; the view is audited' })
  @ApiOkResponse({ type: ComplaintDetailDto })
  @ApiNotFoundResponse({ description: 'No complaint with this id (not_found)' })
  get(@Param('id') id: string, @CurrentApiKey() key: ApiKeyPrincipal): Promise<ComplaintDetailDto> {
    return this.complaints.get({ type: 'api_key', id: key.id, scopes: key.scopes }, id);
  }
}

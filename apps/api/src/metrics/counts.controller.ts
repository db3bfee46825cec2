import { Body, Controller, HttpCode, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { LenderCounts, MAX_COUNT } from '@app/analytics';
import { ApiKeyPrincipal } from '@app/identity';
import { ApiKeyAuth, CurrentApiKey } from '../auth/api-key.guard';

export class DayCountsDto {
  @ApiPropertyOptional({
    example: 1200,
    minimum: 0,
    maximum: MAX_COUNT,
    description: 'Loan applications received',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  applications?: number;

  @ApiPropertyOptional({ example: 800, minimum: 0, maximum: MAX_COUNT })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  loans_issued?: number;

  @ApiPropertyOptional({ example: 51000, minimum: 0, maximum: MAX_COUNT })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  active_borrowers?: number;
}

export class PutCountsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'PDL',
    description: 'The product the figures are for; null (or absent) for the lender as a whole',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  product?: string | null;

  @ApiProperty({ type: DayCountsDto, description: 'At least one figure; figures left out are cleared' })
  @IsObject()
  @ValidateNested()
  @Type(() => DayCountsDto)
  counts!: DayCountsDto;
}

export class DayCountsResultDto {
  @ApiProperty({ example: '2026-11-30' }) date!: string;
  @ApiProperty({ type: String, nullable: true, example: 'PDL' }) product!: string | null;
  @ApiProperty({ type: DayCountsDto }) counts!: DayCountsDto;
}

@ApiTags('metrics')
@Controller('api/v1/counts')
@ApiKeyAuth('counts:write')
export class CountsController {
  constructor(private readonly counts: LenderCounts) {}

  @Put(':date')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The lender’s own figures for a day (applications, loans issued, active borrowers), per product or for the ' +
      'whole lender; they replace what was posted for that day and product. Audited.',
  })
  @ApiParam({
    name: 'date',
    example: '2026-11-30',
    description: 'The day, in the lender’s zone; not in the future',
  })
  @ApiOkResponse({ type: DayCountsResultDto })
  @ApiBadRequestResponse({
    description: 'validation_failed: a bad or future date, a negative or fractional count',
  })
  put(
    @Param('date') date: string,
    @Body() body: PutCountsDto,
    @CurrentApiKey() key: ApiKeyPrincipal,
  ): Promise<DayCountsResultDto> {
    return this.counts.replaceDay(
      { type: 'api_key', id: key.id, scopes: key.scopes },
      { date, product: body.product ?? null, counts: body.counts },
    );
  }
}

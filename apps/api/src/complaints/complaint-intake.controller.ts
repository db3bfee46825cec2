import { Body, Controller, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  COMPLAINT_CATEGORIES,
  INTAKE_CHANNELS,
  MAX_SUBSTANCE,
  RegisterComplaint,
  RegisteredComplaint,
} from '@app/complaints';
import { ApiKeyPrincipal } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { ApiKeyAuth, CurrentApiKey } from '../auth/api-key.guard';
import { BorrowerContactDto, ISO_WITH_OFFSET } from '../contact-events/contact-event.dto';
import { IsSafeText } from '../http/validators';

export class ComplaintBorrowerDto extends BorrowerContactDto {
  @ApiPropertyOptional({
    example: 'b-1001',
    maxLength: 200,
    description: 'Found by this, else by phone, else by email',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsSafeText({ identifier: true })
  externalId?: string;
}

export class ComplaintIntakeDto {
  @ApiProperty({ example: 'crm-c-771', description: 'Your id of the complaint; the idempotency key.' })
  @IsString()
  @MaxLength(200)
  @IsSafeText({ identifier: true })
  externalId!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-11-30T16:40:00+03:00',
    description: 'When the lender received it (ISO 8601 with offset)',
  })
  @IsString()
  @Matches(ISO_WITH_OFFSET, {
    message: 'receivedAt must be an ISO 8601 date-time with an offset, e.g. 2026-11-30T16:40:00+03:00',
  })
  @IsISO8601({ strict: true })
  receivedAt!: string;

  @ApiProperty({ enum: INTAKE_CHANNELS, example: 'regulator' })
  @IsIn(INTAKE_CHANNELS)
  channel!: string;

  @ApiPropertyOptional({
    example: 'ОГ-2026-118734',
    maxLength: 100,
    description: 'The forwarder’s reference; required for regulator and sro',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @IsSafeText()
  regulatorRef?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-12-15',
    description: 'The regulator’s date for the answer; kept when earlier than 15 working days',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'regulatorDueAt must be a date YYYY-MM-DD' })
  regulatorDueAt?: string;

  @ApiPropertyOptional({ type: ComplaintBorrowerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ComplaintBorrowerDto)
  borrower?: ComplaintBorrowerDto;

  @ApiPropertyOptional({ example: 'PDL', maxLength: 50 })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @IsSafeText({ identifier: true })
  product?: string;

  @ApiPropertyOptional({ example: 'collection' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, { message: 'touchpoint must be a lower-case name such as collection' })
  touchpoint?: string;

  @ApiPropertyOptional({ enum: COMPLAINT_CATEGORIES, example: 'collection_conduct' })
  @IsOptional()
  @IsIn(COMPLAINT_CATEGORIES)
  category?: string;

  @ApiProperty({ example: 'Коллектор звонил родственникам', maxLength: MAX_SUBSTANCE })
  @IsString()
  @MaxLength(MAX_SUBSTANCE)
  substance!: string;

  @ApiPropertyOptional({ example: 'crm-8841', description: 'The contact event it is about' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsSafeText({ identifier: true })
  contactEventExternalId?: string;

  @ApiPropertyOptional({ example: '2026-000123', description: 'An earlier complaint of the same borrower' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{6}$/, { message: 'repeatOf must be a register number such as 2026-000123' })
  repeatOf?: string;
}

export class RegisteredComplaintDto implements RegisteredComplaint {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2026-000124' }) registerNo!: string;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ enum: ['registered'] }) status!: 'registered';
}

/** Complaints from every channel into the register of record (scope `complaints:write`). */
@ApiTags('complaints')
@Controller('api/v1/complaints')
@ApiKeyAuth('complaints:write')
export class ComplaintIntakeController {
  constructor(private readonly register: RegisterComplaint) {}

  @Post()
  @ApiOperation({
    summary:
      'Register a complaint received by letter, email, phone, web, the app, or forwarded by the regulator or the SRO',
  })
  @ApiResponse({ status: 201, type: RegisteredComplaintDto, description: 'Registered (first time)' })
  @ApiOkResponse({
    type: RegisteredComplaintDto,
    description: 'The same externalId and body again: the first answer',
  })
  @ApiConflictResponse({ description: 'The same externalId with a different body (idempotency_conflict)' })
  @ApiBadRequestResponse({ description: 'validation_failed, with errors[{ path, message }]' })
  async create(
    @Body() body: ComplaintIntakeDto,
    @CurrentApiKey() key: ApiKeyPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegisteredComplaint> {
    const result = await this.register.execute({ type: 'api_key', id: key.id, scopes: key.scopes }, body);
    void reply.status(result.outcome === 'created' ? 201 : 200);
    return result.body;
  }
}

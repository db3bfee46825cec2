import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNotEmptyObject,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
  registerDecorator,
} from 'class-validator';
import { isStorableText } from '@app/core';
import { ProblemDto } from '../http/problem.dto';
import { IsE164, IsSafeText } from '../http/validators';

export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Flat key/value attributes: at most 50 keys, scalar values, short strings. */
function IsFlatAttributes(): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isFlatAttributes',
      target: object.constructor,
      propertyName: propertyName as string,
      options: {
        message:
          '$property must be an object of at most 50 keys with string (≤ 500, no NUL or unpaired surrogates), number or boolean values',
      },
      validator: {
        validate: (value: unknown) =>
          value !== null &&
          typeof value === 'object' &&
          !Array.isArray(value) &&
          Object.keys(value).length <= 50 &&
          Object.entries(value).every(
            ([k, v]) =>
              k.length <= 100 &&
              isStorableText(k) &&
              (v === null ||
                typeof v === 'number' ||
                typeof v === 'boolean' ||
                (typeof v === 'string' && v.length <= 500 && isStorableText(v))),
          ),
      },
    });
}

/** How to reach a borrower: shared by contact events and complaints. */
export class BorrowerContactDto {
  @ApiPropertyOptional({ example: 'Елена', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsSafeText()
  name?: string;

  @ApiPropertyOptional({ example: '+79991234567', description: 'E.164' })
  @IsOptional()
  @IsString()
  @IsE164()
  phone?: string;

  @ApiPropertyOptional({ example: 'elena@example.ru' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({ allow_display_name: false, allow_ip_domain: false, require_tld: true })
  email?: string;
}

export class BorrowerDto extends BorrowerContactDto {
  @ApiProperty({ example: 'b-1001', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  @IsSafeText({ identifier: true })
  externalId!: string;

  @ApiPropertyOptional({ enum: ['ru', 'en'] })
  @IsOptional()
  @IsIn(['ru', 'en'])
  locale?: 'ru' | 'en';

  @ApiPropertyOptional({ example: 'Asia/Novosibirsk', description: 'IANA time zone' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, {
    message: 'timeZone must be an IANA time zone such as Europe/Moscow',
  })
  timeZone?: string;
}

export class ContactEventDto {
  @ApiProperty({
    example: 'crm-8841',
    description: 'Your id of the contact; the idempotency key.',
    maxLength: 200,
  })
  @IsString()
  @MaxLength(200)
  @IsSafeText({ identifier: true })
  externalId!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-11-20T10:15:00+07:00',
    description: 'ISO 8601 with offset',
  })
  @IsString()
  @Matches(ISO_WITH_OFFSET, {
    message: 'occurredAt must be an ISO 8601 date-time with an offset, e.g. 2026-11-20T10:15:00+07:00',
  })
  @IsISO8601({ strict: true })
  occurredAt!: string;

  @ApiProperty({
    example: 'chat',
    description: 'call, chat, email, loan_issued, repayment, collection (configurable)',
  })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, {
    message: 'touchpoint must be a lower-case name such as chat or loan_issued',
  })
  touchpoint!: string;

  @ApiPropertyOptional({ example: 'PDL', maxLength: 50 })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @IsSafeText({ identifier: true })
  product?: string;

  @ApiPropertyOptional({ example: 'op-17', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @IsSafeText({ identifier: true })
  agentRef?: string;

  @ApiPropertyOptional({ enum: ['sms', 'email', 'in_app'] })
  @IsOptional()
  @IsIn(['sms', 'email', 'in_app'])
  preferredChannel?: 'sms' | 'email' | 'in_app';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Flat attributes kept with the event',
  })
  @IsOptional()
  @IsObject()
  @IsFlatAttributes()
  attributes?: Record<string, string | number | boolean | null>;

  @ApiProperty({ type: BorrowerDto })
  @IsObject()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => BorrowerDto)
  borrower!: BorrowerDto;
}

export class ContactEventBatchDto {
  @ApiProperty({ type: [ContactEventDto], maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  events!: unknown[];
}

export class InvitationSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['scheduled'] }) status!: string;
  @ApiProperty({ enum: ['sms', 'email', 'in_app'] }) channel!: string;
  @ApiProperty({ example: 'csi_service' }) survey!: string;
  @ApiProperty({ format: 'date-time' }) sendAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class AcceptedEventDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ type: InvitationSummaryDto, nullable: true }) invitation!: InvitationSummaryDto | null;
  @ApiPropertyOptional({
    enum: [
      'no_survey_for_touchpoint',
      'contact_cap',
      'opted_out',
      'sampled_out',
      'no_reachable_channel',
      'stale_event',
    ],
  })
  skipped?: string;
}

export class BatchResultDto {
  @ApiProperty() index!: number;
  @ApiProperty({ enum: [202, 200, 400, 409] }) status!: number;
  @ApiProperty({
    description: 'The accepted event (202, 200), or a problem+json object (400, 409)',
    oneOf: [{ $ref: getSchemaPath(AcceptedEventDto) }, { $ref: getSchemaPath(ProblemDto) }],
  })
  body!: AcceptedEventDto | ProblemDto;
}

export class BatchResponseDto {
  @ApiProperty({ type: [BatchResultDto] }) results!: BatchResultDto[];
}

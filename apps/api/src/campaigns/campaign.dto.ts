import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsArray,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_SPREAD_DAYS, RECIPIENTS_PER_CALL } from '@app/campaigns';
import { BorrowerDto, ISO_WITH_OFFSET } from '../contact-events/contact-event.dto';
import { FieldErrorDto } from '../http/problem.dto';
import { IsSafeText } from '../http/validators';

/** One borrower to survey (documented here; each is checked on its own, so one bad recipient is rejected alone). */
export class CampaignRecipientDto {
  @ApiProperty({ type: BorrowerDto }) borrower!: BorrowerDto;
  @ApiPropertyOptional({ example: 'installment', maxLength: 50 }) product?: string;
  @ApiPropertyOptional({
    example: 'repeat',
    maxLength: 50,
    description: 'Kept on the borrower for filtering',
  })
  segment?: string;
}

export class RecipientsDto {
  @ApiProperty({
    type: [CampaignRecipientDto],
    maxItems: RECIPIENTS_PER_CALL,
    description: `Up to ${RECIPIENTS_PER_CALL} recipients a call`,
  })
  @IsArray()
  recipients!: unknown[];
}

export class CampaignDto extends RecipientsDto {
  @ApiProperty({
    example: 'nps-2026-q4',
    maxLength: 200,
    description: 'Your id of the campaign; the idempotency key.',
  })
  @IsString()
  @MaxLength(200)
  @IsSafeText({ identifier: true })
  externalId!: string;

  @ApiProperty({ example: 'NPS Q4', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  @IsSafeText()
  name!: string;

  @ApiProperty({ example: 'nps_relationship', description: 'The key of an active survey programme' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,59}$/, { message: 'survey must be the key of a survey programme' })
  survey!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-02T09:00:00+03:00',
    description: 'When sending may begin (default: now); ISO 8601 with offset',
  })
  @IsOptional()
  @IsString()
  @Matches(ISO_WITH_OFFSET, {
    message: 'startAt must be an ISO 8601 date-time with an offset, e.g. 2026-12-02T09:00:00+03:00',
  })
  @IsISO8601({ strict: true })
  startAt?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_SPREAD_DAYS,
    default: 0,
    example: 5,
    description: 'Days to spread the sends over evenly, within quiet hours (0: as fast as pacing allows)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SPREAD_DAYS)
  spreadDays?: number;
}

export class RejectedRecipientDto {
  @ApiProperty({ description: 'The recipient’s position in this call’s list' }) index!: number;
  @ApiProperty({ type: [FieldErrorDto] }) errors!: FieldErrorDto[];
}

/** Recipients given no invitation, by reason; a reason with none is left out. */
export class SkippedRecipientsDto {
  @ApiPropertyOptional({ description: 'Invited within the contact cap already' }) contact_cap?: number;
  @ApiPropertyOptional({ description: 'Their number or address opted out' }) opted_out?: number;
  @ApiPropertyOptional({ description: 'No phone or email the programme can use' })
  no_reachable_channel?: number;
  @ApiPropertyOptional({ description: 'Already in this campaign' }) duplicate?: number;
}

const STATES = ['draft', 'scheduled', 'sending', 'finished', 'paused', 'cancelled'];

export class RecipientsOutcomeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: STATES, example: 'scheduled' }) status!: string;
  @ApiProperty({ description: 'Recipients in this call' }) recipients!: number;
  @ApiProperty({ description: 'Invitations scheduled' }) accepted!: number;
  @ApiProperty({ type: SkippedRecipientsDto }) skipped!: SkippedRecipientsDto;
  @ApiProperty({ type: [RejectedRecipientDto] }) rejected!: RejectedRecipientDto[];
}

export class CampaignProgressDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: 'string', example: 'nps-2026-q4' }) externalId!: string | null;
  @ApiProperty({ example: 'NPS Q4' }) name!: string;
  @ApiProperty({ example: 'nps_relationship' }) survey!: string;
  @ApiProperty({ enum: STATES }) status!: string;
  @ApiProperty({ format: 'date-time' }) startAt!: string;
  @ApiProperty() spreadDays!: number;
  @ApiProperty({ description: 'Borrowers in the campaign (invited or skipped)' }) recipients!: number;
  @ApiProperty({ description: 'Invitations still to send' }) scheduled!: number;
  @ApiProperty() sent!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty({ description: 'Surveys opened (the page viewed or fetched in the app)' }) opened!: number;
  @ApiProperty() answered!: number;
  @ApiProperty({ type: SkippedRecipientsDto }) skipped!: SkippedRecipientsDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import {
  CLASSIFICATIONS,
  COMPLAINT_CATEGORIES,
  CORRECTIVE_ACTION_STATUSES,
  RECEIVED_VIA,
} from '@app/complaints';

export class ComplaintBorrowerViewDto {
  @ApiProperty({ example: 'b-1001' }) externalId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Елена' }) name!: string | null;
}

export class ComplaintDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2026-000124' }) registerNo!: string;
  @ApiProperty({ enum: ['registered', 'under_review', 'resolved'] }) status!: string;
  @ApiProperty({ example: 2, description: 'Changes carry the version they saw' }) version!: number;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({
    format: 'date-time',
    description: '15 working days after registration, or the regulator’s earlier date',
  })
  dueAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) extendedDueAt!: string | null;
  @ApiProperty({ type: String, enum: CLASSIFICATIONS, nullable: true }) classification!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: string | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'Resolved by the deadline in force; null while open',
  })
  onTime!: boolean | null;
  @ApiProperty({ enum: COMPLAINT_CATEGORIES }) category!: string;
  @ApiProperty({ enum: RECEIVED_VIA, description: 'How the complaint was received' }) receivedVia!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, nullable: true, example: 'ОГ-2026-118734' }) regulatorRef!: string | null;
  @ApiProperty({ description: 'Registered later than the working day after receipt' })
  registeredLate!: boolean;
  @ApiProperty({ description: 'Open and past its deadline' }) overdue!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) callbackTaskId!: string | null;
  @ApiProperty({ type: ComplaintBorrowerViewDto }) borrower!: ComplaintBorrowerViewDto;
}

export class ComplaintPageDto {
  @ApiProperty({ type: [ComplaintDto] }) items!: ComplaintDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}

export class JudgedCriterionDto {
  @ApiProperty({ example: 'calculation_error' }) key!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ example: 'Calculation or payment error' }) en!: string;
  @ApiProperty({ example: 'Ошибка в расчётах или платеже' }) ru!: string;
}

export class ComplaintReferenceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2026-000101' }) registerNo!: string;
}

export class ComplaintDetailDto extends ComplaintDto {
  @ApiProperty({ example: 'Коллектор звонил родственникам' }) substance!: string;
  @ApiProperty({ type: [String], example: ['calculation_error'] }) criteria!: string[];
  @ApiProperty({
    type: [JudgedCriterionDto],
    nullable: true,
    description: 'The criteria text the review was judged by',
  })
  criteriaJudged!: JudgedCriterionDto[] | null;
  @ApiProperty({ type: String, nullable: true }) rootCause!: string | null;
  @ApiProperty({
    type: String,
    enum: ['accept_with_redress', 'redress_without_accepting', 'reject_with_reasons', 'explanation'],
    nullable: true,
  })
  responseType!: string | null;
  @ApiProperty({ type: String, nullable: true }) redress!: string | null;
  @ApiProperty({ type: String, nullable: true }) resolution!: string | null;
  @ApiProperty({ type: String, nullable: true }) correctiveAction!: string | null;
  @ApiProperty({ type: String, nullable: true }) correctiveActionOwner!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) correctiveActionDueAt!: string | null;
  @ApiProperty({ type: String, enum: CORRECTIVE_ACTION_STATUSES, nullable: true }) correctiveActionStatus!:
    string | null;
  @ApiProperty({ type: String, nullable: true }) correctiveActionNote!: string | null;
  @ApiProperty({ type: String, nullable: true }) extensionReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) regulatorDueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'PDL' }) product!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'collection' }) touchpoint!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'crm-8841' }) eventExternalId!: string | null;
  @ApiProperty({
    type: ComplaintReferenceDto,
    nullable: true,
    description: 'The earlier complaint this one repeats',
  })
  repeatOf!: ComplaintReferenceDto | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reopenedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) reopenReason!: string | null;
  @ApiProperty({ example: 0 }) reopenCount!: number;
}

import { ApiProperty } from '@nestjs/swagger';

export class TaskResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 2 }) score!: number;
  @ApiProperty({ example: 'csi_service' }) survey!: string;
  @ApiProperty({ example: 'chat' }) touchpoint!: string;
  @ApiProperty({ enum: ['sms', 'email', 'in_app'] }) channel!: string;
  @ApiProperty({ type: String, nullable: true, example: 'PDL' }) product!: string | null;
}

export class TaskBorrowerDto {
  @ApiProperty({ example: 'b-1001' }) externalId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Елена' }) name!: string | null;
  @ApiProperty({ description: 'There is a number to call (an email-only borrower is answered in writing)' })
  hasPhone!: boolean;
}

export class CallbackTaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['open', 'in_progress', 'complaint', 'closed'] }) status!: string;
  @ApiProperty({ example: 55, description: 'Higher first' }) priority!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: [String], example: ['payments'] }) tags!: string[];
  @ApiProperty({ format: 'date-time' }) firstContactDueAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstContactAt!: string | null;
  @ApiProperty({ description: 'First contact is past due' }) overdue!: boolean;
  @ApiProperty({ description: 'First contact due within two hours' }) dueSoon!: boolean;
  @ApiProperty({ description: 'Raised by the SLA sweep' }) escalated!: boolean;
  @ApiProperty({
    description:
      'The comment mentions the regulator, a court, the police or a lawyer; the task is at the top of the queue',
  })
  regulatorMention!: boolean;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the borrower asked to be called back',
  })
  callBackAt!: string | null;
  @ApiProperty({
    type: String,
    enum: ['not_a_complaint', 'unreachable', 'complaint_resolved'],
    nullable: true,
  })
  closureReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: TaskResponseDto }) response!: TaskResponseDto;
  @ApiProperty({ type: TaskBorrowerDto }) borrower!: TaskBorrowerDto;
  @ApiProperty({ example: 3, description: 'Changes carry the version they saw' }) version!: number;
}

export class CallbackTaskPageDto {
  @ApiProperty({ type: [CallbackTaskDto] }) items!: CallbackTaskDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}

export class TaskCampaignDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'NPS Q4' }) name!: string;
}

export class TaskEventDto {
  @ApiProperty({ example: 'crm-8841' }) externalId!: string;
  @ApiProperty({ example: 'chat' }) touchpoint!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: String, nullable: true, example: 'op-17' }) agentRef!: string | null;
}

export class TaskAttemptDto {
  @ApiProperty({ enum: ['reached', 'no_answer', 'busy', 'wrong_number', 'call_back_later'] }) result!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ format: 'date-time' }) attemptedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) callBackAt!: string | null;
}

export class TaskComplaintDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2026-000123' }) registerNo!: string;
  @ApiProperty({ enum: ['registered', 'under_review', 'resolved'] }) status!: string;
}

export class CallbackTaskDetailDto extends CallbackTaskDto {
  @ApiProperty({ type: String, nullable: true, example: 'Списали дважды' }) comment!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { satisfaction: 2 } })
  answers!: Record<string, number>;
  @ApiProperty({
    type: TaskEventDto,
    nullable: true,
    description: 'The contact the survey followed; null for a campaign',
  })
  event!: TaskEventDto | null;
  @ApiProperty({
    type: TaskCampaignDto,
    nullable: true,
    description: 'The relationship campaign the survey came from',
  })
  campaign!: TaskCampaignDto | null;
  @ApiProperty({ type: [TaskAttemptDto] }) attemptsLog!: TaskAttemptDto[];
  @ApiProperty({ type: TaskComplaintDto, nullable: true }) complaint!: TaskComplaintDto | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES } from '@app/core';

export class FieldErrorDto {
  @ApiProperty({ example: 'borrower.phone', description: 'Where in the request: a dotted path' })
  path!: string;

  @ApiProperty({ example: 'borrower.phone must be a valid phone number in E.164 format, e.g. +79991234567' })
  message!: string;
}

/** RFC 9457 problem details: every 4xx and 5xx answer of the API, as `application/problem+json`. */
export class ProblemDto {
  @ApiProperty({ example: 'https://resonance.dev/problems/validation-failed' })
  type!: string;

  @ApiProperty({ example: 'Validation failed' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'The request is not valid.' })
  detail!: string;

  @ApiProperty({ enum: ERROR_CODES, example: 'validation_failed', description: 'A stable machine code' })
  code!: string;

  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'With validation_failed: what is wrong, field by field',
  })
  errors?: FieldErrorDto[];
}

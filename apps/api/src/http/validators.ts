import { registerDecorator, ValidationOptions } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FieldError, isE164Phone, isPlainText } from '@app/core';
import { flattenValidationErrors } from './validation.pipe';

/** Printable text: no control characters or direction overrides (identifiers: no invisible characters either). */
export function IsSafeText(
  options: { identifier?: boolean } = {},
  validationOptions?: ValidationOptions,
): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isSafeText',
      target: object.constructor,
      propertyName: propertyName as string,
      options: {
        message: options.identifier
          ? '$property must not contain control, invisible or direction-override characters, or surrounding spaces'
          : '$property must not contain control or direction-override characters',
        ...validationOptions,
      },
      validator: {
        validate: (value: unknown) => isPlainText(value, options.identifier ? 'identifier' : 'line'),
      },
    });
}

/** A valid phone number written in E.164 (`+79991234567`), checked against the numbering plan. */
export function IsE164(validationOptions?: ValidationOptions): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isE164',
      target: object.constructor,
      propertyName: propertyName as string,
      options: {
        message: '$property must be a valid phone number in E.164 format, e.g. +79991234567',
        ...validationOptions,
      },
      validator: {
        validate: (value: unknown) => isE164Phone(value),
      },
    });
}

/** Validates one plain object against a DTO class, as the global pipe does (used per item in batches). */
export async function validateItem<T extends object>(
  cls: new () => T,
  plain: unknown,
): Promise<{ value: T; errors: FieldError[] }> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { value: plain as T, errors: [{ path: '', message: 'must be an object' }] };
  }
  const value = plainToInstance(cls, plain);
  const errors = await validate(value, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  return { value, errors: flattenValidationErrors(errors) };
}

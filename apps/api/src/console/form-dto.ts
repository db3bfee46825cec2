import { plainToInstance } from 'class-transformer';
import { registerDecorator, validate } from 'class-validator';
import { isPlainText, ValidationFailedException } from '@app/core';
import { flattenValidationErrors } from '../http/validation.pipe';
import type { FormFields } from './forms';

/**
 * A console form read the way the API reads JSON: through a class-validator DTO, with the errors the
 * API's pipe makes (`flattenValidationErrors`), so a form and a request are refused by the same rules.
 * Unlike JSON, a form carries fields the page adds for itself (`_csrf`, a submit button's name), which
 * are dropped, not refused. The domain's own rules still follow in the use case.
 */
export async function formDto<T extends object>(cls: new () => T, form: FormFields): Promise<T> {
  const value = plainToInstance(cls, form);
  const errors = await validate(value, {
    whitelist: true,
    forbidNonWhitelisted: false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new ValidationFailedException(flattenValidationErrors(errors));
  return value;
}

/**
 * A typed text field: one value (a repeated field is refused), plain text (the one rule, `isPlainText`),
 * at most `max` characters; empty or absent is allowed unless `required`.
 */
export function FormText(
  max: number,
  options: { required?: boolean; multiline?: boolean } = {},
): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'formText',
      target: object.constructor,
      propertyName: propertyName as string,
      options: {
        message: options.required ? 'is required' : `must be text of at most ${max} characters`,
      },
      validator: {
        validate: (value: unknown) =>
          (value === undefined || value === '' ? !options.required : true) &&
          (value === undefined ||
            (isPlainText(value, options.multiline ? 'multiline' : 'line') && value.length <= max)),
      },
    });
}

/** One of the listed values (a list the page offered); absent is allowed unless `required`. */
export function FormChoice(
  values: readonly string[],
  options: { required?: boolean } = {},
): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'formChoice',
      target: object.constructor,
      propertyName: propertyName as string,
      options: { message: `must be one of ${values.join(', ')}` },
      validator: {
        validate: (value: unknown) =>
          value === undefined || value === ''
            ? !options.required
            : typeof value === 'string' && values.includes(value),
      },
    });
}

/** Ticked boxes: every value among the listed ones (one box arrives as a string, several as a list). */
export function FormChoices(values: readonly string[]): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'formChoices',
      target: object.constructor,
      propertyName: propertyName as string,
      options: { message: `must be one or more of ${values.join(', ')}` },
      validator: {
        validate: (value: unknown) =>
          value === undefined ||
          (typeof value === 'string' ? [value] : Array.isArray(value) ? value : [null]).every(
            (v) => typeof v === 'string' && values.includes(v),
          ),
      },
    });
}

/** A whole number typed into a number field, from `min` to `max`; empty is allowed unless `required`. */
export function FormWholeNumber(
  min: number,
  max: number,
  options: { required?: boolean } = {},
): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'formWholeNumber',
      target: object.constructor,
      propertyName: propertyName as string,
      options: { message: `must be a whole number from ${min} to ${max}` },
      validator: {
        validate: (value: unknown) =>
          value === undefined || value === ''
            ? !options.required
            : typeof value === 'string' &&
              /^\d{1,9}$/.test(value.trim()) &&
              Number(value) >= min &&
              Number(value) <= max,
      },
    });
}

/** Several lines of plain text (repeated fields), each at most `max` characters. */
export function FormTexts(max: number): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'formTexts',
      target: object.constructor,
      propertyName: propertyName as string,
      options: { message: `must be text of at most ${max} characters` },
      validator: {
        validate: (value: unknown) =>
          value === undefined ||
          (typeof value === 'string' ? [value] : Array.isArray(value) ? value : [null]).every(
            (v) => isPlainText(v) && v.length <= max,
          ),
      },
    });
}

/** The values of ticked boxes as a list, however many were ticked. */
export function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

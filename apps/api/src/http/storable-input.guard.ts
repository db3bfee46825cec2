import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FieldError, isStorableText, ValidationFailedException } from '@app/core';

/** Where a value came from and its path there, for the first few values that cannot be stored. */
function unstorable(source: string, value: unknown, found: FieldError[], path = source): void {
  if (found.length >= 10 || Buffer.isBuffer(value)) return;
  if (typeof value === 'string') {
    if (!isStorableText(value))
      found.push({ path, message: 'must not contain NUL or unpaired surrogate characters' });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => unstorable(source, item, found, `${path}[${i}]`));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const safeKey = isStorableText(key) ? key.slice(0, 50) : '?';
      if (safeKey === '?')
        found.push({ path: `${path}.?`, message: 'a name must not contain NUL or unpaired surrogates' });
      unstorable(source, item, found, `${path}.${safeKey}`);
    }
  }
}

/**
 * Every query string, path parameter and form body is text PostgreSQL can hold (no NUL, no lone
 * surrogate), decided here once for every route, so no handler can pass such a value to a query and
 * fail with a 500. JSON bodies are left to their DTOs, which check the same rule field by field (a
 * batch must refuse one bad item alone, not the whole request).
 */
@Injectable()
export class StorableInputGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context
      .switchToHttp()
      .getRequest<{ query?: unknown; params?: unknown; body?: unknown; headers: Record<string, unknown> }>();
    const found: FieldError[] = [];
    unstorable('query', request.query, found);
    unstorable('params', request.params, found);
    const type = String(request.headers['content-type'] ?? '');
    if (!type.startsWith('application/json')) unstorable('body', request.body, found);
    if (found.length > 0) throw new ValidationFailedException(found);
    return true;
  }
}

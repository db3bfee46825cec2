/** An urlencoded form body as a plain record (anything else becomes empty: the handlers validate fields). */
export function formOf(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** One text field: the first value when a field is repeated, undefined when absent or not text. */
export function field(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** Every value of a repeated field (checkboxes). */
export function fields(form: Record<string, unknown>, name: string): string[] {
  const value = form[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((v): v is string => typeof v === 'string');
}

/** The `version` every change form carries for optimistic locking; NaN makes the use case refuse it. */
export function versionOf(form: Record<string, unknown>): number {
  const value = field(form, 'version');
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
}

/** A query value when it is a single string of sane length. */
export function queryText(query: Record<string, unknown>, name: string, max = 200): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' && value.length <= max ? value : undefined;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project-root';

/** The strings of `templates/locales/<locale>.json` under `prefix` (e.g. `console.`), with the prefix removed. */
export function localeStrings(locale: string, prefix: string): Record<string, string> {
  const all = JSON.parse(
    readFileSync(join(projectRoot(), 'templates', 'locales', `${locale}.json`), 'utf8'),
  ) as Record<string, string>;
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(all))
    if (key.startsWith(prefix)) strings[key.slice(prefix.length)] = value;
  return strings;
}

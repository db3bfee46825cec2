import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@app/core';

/**
 * The domain's refusals in the reader's language. The libraries speak English (the API's problem+json);
 * the console translates their messages the gettext way: `templates/locales/messages/<locale>.json` maps
 * each English message (its varying parts written `{0}`, `{1}`…) to the reader's text. A message with no
 * entry gets the caller's fallback, so a Russian page never shows an English sentence.
 */
export class DomainMessages {
  private readonly exact = new Map<string, string>();
  private readonly patterns: { pattern: RegExp; text: string }[] = [];

  constructor(catalogue: Record<string, string>) {
    for (const [id, text] of Object.entries(catalogue)) {
      if (!/\{\d\}/.test(id)) {
        this.exact.set(id, text);
        continue;
      }
      const source = id
        .split(/(\{\d\})/)
        .map((part) => (/^\{\d\}$/.test(part) ? '(.+?)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
      this.patterns.push({ pattern: new RegExp(`^${source}$`, 's'), text });
    }
  }

  static load(locale: string, root = join(projectRoot(), 'templates')): DomainMessages {
    const path = join(root, 'locales', 'messages', `${locale}.json`);
    return new DomainMessages(
      existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : {},
    );
  }

  /** The reader's text for an English message, or undefined when the catalogue does not know it. */
  translate(message: string): string | undefined {
    const exact = this.exact.get(message);
    if (exact !== undefined) return exact;
    for (const { pattern, text } of this.patterns) {
      const match = pattern.exec(message);
      if (match) return text.replace(/\{(\d)\}/g, (_, i: string) => match[Number(i) + 1] ?? '');
    }
    return undefined;
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import Handlebars from 'handlebars';
import { projectRoot } from './project-root';

/** HTML escapes every value; text (SMS, the text part of emails, strings in the locale files) does not. */
export type TemplateMode = 'html' | 'text';

/** Paths under `templates/` that are plain text; everything else is HTML. */
function modeOf(path: string): TemplateMode {
  return path.startsWith('sms/') || path.endsWith('.text.hbs') ? 'text' : 'html';
}

/**
 * The one Handlebars of the project: two isolated, strict instances (HTML and text), every template
 * under `templates/` and every locale string that is a template compiled once, when the process
 * starts. A broken template stops the start-up naming its file, instead of failing the first
 * borrower or the first page that uses it.
 */
export class TemplateEngine {
  private readonly engines: Record<TemplateMode, typeof Handlebars> = {
    html: Handlebars.create(),
    text: Handlebars.create(),
  };
  private readonly templates = new Map<string, Handlebars.TemplateDelegate>();
  private readonly locales = new Map<string, Record<string, string>>();
  private readonly localeTemplates = new Map<string, Handlebars.TemplateDelegate>();

  constructor(root: string = join(projectRoot(), 'templates')) {
    const partials = 'pages/console/partials/';
    for (const path of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
      if (!path.endsWith('.hbs')) continue;
      const source = readFileSync(join(root, path), 'utf8');
      if (path.startsWith(partials))
        this.engines.html.registerPartial(path.slice(partials.length, -4), source);
      else this.templates.set(path, this.compile(modeOf(path), source, `templates/${path}`));
    }
    for (const file of readdirSync(join(root, 'locales')).filter((f) => f.endsWith('.json'))) {
      const locale = file.slice(0, -5);
      const strings = JSON.parse(readFileSync(join(root, 'locales', file), 'utf8')) as Record<string, string>;
      this.locales.set(locale, strings);
      for (const [key, value] of Object.entries(strings))
        if (value.includes('{{'))
          this.localeTemplates.set(
            `${locale}:${key}`,
            this.compile('text', value, `templates/locales/${file} ${key}`),
          );
    }
  }

  /** Renders `templates/<path>`. */
  render(path: string, context: object): string {
    const template = this.templates.get(path);
    if (!template) throw new Error(`No template templates/${path}`);
    return template(context);
  }

  /** The strings of a locale under `prefix` (e.g. `console.`), prefix removed, as written. */
  strings(locale: string, prefix: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.locales.get(locale) ?? {}))
      if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
    return out;
  }

  /** A locale string with its `{{placeholders}}` filled (text: not escaped; the page escapes it). */
  text(locale: string, key: string, vars: object = {}): string | undefined {
    const template = this.localeTemplates.get(`${locale}:${key}`);
    return template ? template(vars) : this.locales.get(locale)?.[key];
  }

  /** A helper for HTML templates (the console's `t`, `label`, dates). */
  helper(name: string, helper: Handlebars.HelperDelegate): void {
    this.engines.html.registerHelper(name, helper);
  }

  private compile(mode: TemplateMode, source: string, name: string): Handlebars.TemplateDelegate {
    const engine = this.engines[mode];
    try {
      const spec = engine.precompile(source, { strict: true, noEscape: mode === 'text' });
      // The precompiled spec is JavaScript Handlebars generated from our own template.
      return engine.template(new Function(`return ${spec}`)() as Parameters<typeof engine.template>[0]);
    } catch (error) {
      throw new Error(`${name} does not compile: ${(error as Error).message}`);
    }
  }
}

@Module({
  providers: [{ provide: TemplateEngine, useFactory: () => new TemplateEngine() }],
  exports: [TemplateEngine],
})
export class TemplatesModule {}

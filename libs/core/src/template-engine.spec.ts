import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateEngine } from './template-engine';

function templates(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'templates-'));
  for (const [path, text] of Object.entries({ 'locales/en.json': '{}', ...files })) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('TemplateEngine', () => {
  it('compiles every template when it starts, and a broken one stops it naming the file', () => {
    const root = templates({
      'pages/ok.hbs': '<p>{{name}}</p>',
      'email/broken.html.hbs': '{{#if x}}never closed',
    });
    expect(() => new TemplateEngine(root)).toThrow(/templates\/email\/broken\.html\.hbs does not compile/);
  });

  it('names the locale string that does not compile', () => {
    const root = templates({ 'locales/ru.json': JSON.stringify({ 'sms.thanks': 'Спасибо, {{#each}}' }) });
    expect(() => new TemplateEngine(root)).toThrow(/locales\/ru\.json sms\.thanks/);
  });

  it('escapes HTML templates and leaves SMS and text parts as written, strictly', () => {
    const engine = new TemplateEngine(
      templates({
        'pages/p.hbs': '<b>{{name}}</b>',
        'sms/s.ru.hbs': '{{name}}: оцените',
        'email/e.text.hbs': '{{name}}',
        'locales/ru.json': JSON.stringify({
          'page.hello': 'Привет, {{lender}}',
          'page.plain': 'Без шаблона',
        }),
      }),
    );
    expect(engine.render('pages/p.hbs', { name: '<i>&' })).toBe('<b>&lt;i&gt;&amp;</b>');
    expect(engine.render('sms/s.ru.hbs', { name: '<i>&' })).toBe('<i>&: оцените');
    expect(engine.render('email/e.text.hbs', { name: 'a&b' })).toBe('a&b');
    expect(() => engine.render('pages/p.hbs', {})).toThrow(/"name" not defined/);
    expect(engine.text('ru', 'page.hello', { lender: 'Заём' })).toBe('Привет, Заём');
    expect(engine.text('ru', 'page.plain')).toBe('Без шаблона');
    expect(engine.strings('ru', 'page.')).toEqual({ hello: 'Привет, {{lender}}', plain: 'Без шаблона' });
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@app/core';
import { DomainMessages } from './domain-messages';

const root = projectRoot();

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
        ? [readFileSync(join(dir, entry.name), 'utf8')]
        : [],
  );
}
const code = [...sources(join(root, 'libs')), ...sources(join(root, 'apps', 'api', 'src'))];

// What xgettext would extract: every literal message a refusal can carry, its `${…}` parts as {0}, {1}…
const LITERAL = String.raw`('(?:[^'\\]|\\.)*'|` + '`(?:[^`\\\\]|\\\\.)*`)';
const MESSAGE_SITES = [
  new RegExp(String.raw`message:\s*${LITERAL}`, 'g'),
  new RegExp(String.raw`message = ${LITERAL}`, 'g'),
  new RegExp(String.raw`new (?:DomainException|RetryLaterException)\(\s*'[a-z_]+',\s*${LITERAL}`, 'g'),
  new RegExp(String.raw`ValidationFailedException\(\s*\[[^\]]*\],\s*${LITERAL}`, 'g'),
];
function domainMessages(): string[] {
  const found = new Set<string>();
  for (const source of code)
    for (const site of MESSAGE_SITES)
      for (const match of source.matchAll(site)) {
        let i = 0;
        const message = match[1]!.slice(1, -1).replace(/\$\{[^}]*\}/g, () => `{${i++}}`);
        // A message port's doc comment, not a refusal.
        if (!message.includes('<id>')) found.add(message.replace(/\\"/g, '"'));
      }
  for (const source of code)
    for (const match of source.matchAll(/new NotFoundException\(\s*'([^']*)'/g))
      found.add(`${match[1]} was not found.`);
  return [...found];
}
function fieldPaths(): string[] {
  // Literal paths in the libraries, and every property of the console's form DTOs.
  const sites = [
    /path: '([\w.]+)'/g,
    /path: `(\w+)/g,
    /text\(errors, '(\w+)'/g,
    /optionalText\('(\w+)'/g,
    /@Form\w+\([^)]*\) (\w+)[!?]:/g,
  ];
  return [
    ...new Set(code.flatMap((s) => sites.flatMap((site) => [...s.matchAll(site)].map((m) => m[1]!)))),
  ].map((path) => path.split('.')[0]!);
}
const locale = (name: string): Record<string, string> =>
  JSON.parse(readFileSync(join(root, 'templates', 'locales', `${name}.json`), 'utf8')) as Record<
    string,
    string
  >;

describe('DomainMessages', () => {
  const ru = DomainMessages.load('ru');

  it('translates a message word for word', () => {
    expect(ru.translate('The complaint was not found.')).toBe('Жалоба не найдена.');
  });

  it('carries the varying parts of a message into its translation', () => {
    expect(ru.translate('must be text of at most 2000 characters')).toBe('текст не длиннее 2000 символов');
    expect(ru.translate('must be between 1 and 5')).toBe('от 1 до 5');
  });

  it('knows nothing it was not told', () => {
    expect(ru.translate('must be a colour')).toBeUndefined();
    expect(new DomainMessages({ 'is {0}': 'это {0}' }).translate('is')).toBeUndefined();
  });

  it('has a Russian text for every refusal the libraries and the API can send', () => {
    const messages = domainMessages();
    expect(messages.length).toBeGreaterThan(120);
    expect(messages.filter((m) => ru.translate(m) === undefined)).toEqual([]);
  });

  it.each(['en', 'ru'])('labels every field a refusal can name, in %s', (name) => {
    const strings = locale(name);
    const paths = fieldPaths();
    expect(paths.length).toBeGreaterThan(50);
    expect(paths.filter((p) => !(`console.field.${p}` in strings))).toEqual([]);
  });
});

import fc from 'fast-check';
import { safeNext } from './console-auth';
import { linkify } from './outbox.controller';

describe('safeNext', () => {
  it.each([
    ['/console/tasks/1?notice=x', '/console/tasks/1?notice=x'],
    ['/console', '/console'],
    ['//evil.example', '/home'],
    ['https://evil.example/console', '/home'],
    ['/\\evil.example', '/home'],
    ['/consolex', '/home'],
    ['/console/\u0000', '/home'],
    [undefined, '/home'],
    [['/console'], '/home'],
  ])('%j → %s', (next, expected) => {
    expect(safeNext(next, '/home')).toBe(expected);
  });

  it('only ever returns a path on this origin', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (next) => {
        const result = safeNext(next, '/home');
        return (
          result === '/home' || new URL(result, 'https://resonance.test').origin === 'https://resonance.test'
        );
      }),
    );
  });
});

describe('linkify', () => {
  const base = 'https://feedback.lender.test';

  it('turns only this deployment’s survey and unsubscribe links into links', () => {
    expect(
      linkify(`Rate us: ${base}/s/abc_DEF-1?score=5 or https://evil.example/s/x. Stop: ${base}/u/tok`, base),
    ).toEqual([
      { text: 'Rate us: ', href: null },
      { text: `${base}/s/abc_DEF-1?score=5`, href: `${base}/s/abc_DEF-1?score=5` },
      { text: ' or https://evil.example/s/x. Stop: ', href: null },
      { text: `${base}/u/tok`, href: `${base}/u/tok` },
    ]);
  });

  it('keeps every character of the message, in order', () => {
    fc.assert(
      fc.property(
        fc.string(),
        (text) =>
          linkify(text, base)
            .map((p) => p.text)
            .join('') === text,
      ),
    );
  });
});

import fc from 'fast-check';
import { scoreAnswers } from './scoring';
import { Survey } from './survey.model';

const question = (id: string, min: number, max: number) => ({ id, text: { ru: id, en: id }, min, max });
const survey = (kind: Survey['kind'], questions: Survey['questions'], lowScoreThreshold: number): Survey => ({
  id: 's',
  key: kind.toLowerCase(),
  version: 1,
  kind,
  title: { ru: kind, en: kind },
  questions,
  commentPrompt: null,
  smsText: null,
  triggerTouchpoints: ['call'],
  products: null,
  channelOrder: ['sms'],
  delaySeconds: 0,
  expirySeconds: 86_400,
  reminderDelaySeconds: null,
  sampleRate: 1,
  lowScoreThreshold,
  active: true,
  priority: 0,
});
const CSI = survey('CSI', [question('satisfaction', 1, 5)], 3);
const CLI = survey(
  'CLI',
  [question('recommend', 0, 10), question('again', 0, 10), question('choose', 0, 10)],
  6,
);

describe('scoreAnswers', () => {
  it('scores a CSI answer and flags 3 or less as low', () => {
    expect(scoreAnswers(CSI, { satisfaction: 3 })).toEqual({
      scored: { answers: { satisfaction: 3 }, score: 3, low: true },
    });
    expect(scoreAnswers(CSI, { satisfaction: 4 })).toEqual({
      scored: { answers: { satisfaction: 4 }, score: 4, low: false },
    });
  });

  it('scores CLI as the mean of its three answers, two decimals', () => {
    expect(scoreAnswers(CLI, { recommend: 9, again: 8, choose: 9 })).toMatchObject({
      scored: { score: 8.67, low: false },
    });
    expect(scoreAnswers(CLI, { recommend: 6, again: 6, choose: 7 })).toMatchObject({
      scored: { score: 6.33, low: false },
    });
    expect(scoreAnswers(CLI, { recommend: 6, again: 6, choose: 6 })).toMatchObject({
      scored: { score: 6, low: true },
    });
  });

  it('refuses missing, unknown, fractional and out-of-scale answers, naming each', () => {
    expect(scoreAnswers(CSI, {})).toEqual({
      errors: [{ path: 'answers.satisfaction', message: 'is required' }],
    });
    expect(scoreAnswers(CSI, { satisfaction: 6, extra: 1 })).toEqual({
      errors: [
        { path: 'answers.extra', message: 'is not a question of this survey' },
        { path: 'answers.satisfaction', message: 'must be between 1 and 5' },
      ],
    });
    expect(scoreAnswers(CSI, { satisfaction: 4.5 })).toMatchObject({
      errors: [{ message: 'must be a whole number' }],
    });
    expect(scoreAnswers(CSI, { satisfaction: '4' })).toMatchObject({
      errors: [{ message: 'must be a whole number' }],
    });
  });

  it('for any input either refuses it or scores within the scale, low exactly at or below the threshold', () => {
    const anyValue = fc.oneof(
      fc.integer({ min: -3, max: 13 }),
      fc.double(),
      fc.string(),
      fc.constant(null),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(CSI, CLI),
        fc.dictionary(
          fc.constantFrom('satisfaction', 'recommend', 'again', 'choose', 'other', '__proto__'),
          anyValue,
        ),
        (s, answers) => {
          const result = scoreAnswers(s, answers);
          if ('errors' in result) return result.errors.length > 0;
          const { min, max } = s.questions[0]!;
          return (
            result.scored.score >= min &&
            result.scored.score <= max &&
            result.scored.low === result.scored.score <= s.lowScoreThreshold &&
            Object.keys(result.scored.answers).sort().join() ===
              s.questions
                .map((q) => q.id)
                .sort()
                .join()
          );
        },
      ),
    );
  });

  it('scores every complete set of whole answers within the scale', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 0, max: 10 }),
          fc.integer({ min: 0, max: 10 }),
          fc.integer({ min: 0, max: 10 }),
        ),
        ([a, b, c]) => {
          const result = scoreAnswers(CLI, { recommend: a, again: b, choose: c });
          return 'scored' in result && Math.abs(result.scored.score - (a + b + c) / 3) < 0.005;
        },
      ),
    );
  });
});

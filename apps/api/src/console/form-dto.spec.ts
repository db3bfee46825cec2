import { AttemptForm, IntakeForm, SurveyEditForm } from './console-forms';
import { formDto } from './form-dto';

describe('console forms through class-validator DTOs', () => {
  it('takes a form as typed, dropping what the page adds for itself', async () => {
    const attempt = await formDto(AttemptForm, {
      _csrf: 'token',
      version: '3',
      result: 'no_answer',
      note: 'Не отвечает\nдважды',
      next: '1',
    });
    expect(attempt).toEqual(
      Object.assign(new AttemptForm(), {
        version: '3',
        result: 'no_answer',
        note: 'Не отвечает\nдважды',
        next: '1',
      }),
    );
  });

  it('refuses a missing choice, a value not offered, control characters and a repeated single field, by field', async () => {
    await expect(formDto(AttemptForm, { version: '3' })).rejects.toMatchObject({
      code: 'validation_failed',
      errors: [
        { path: 'result', message: 'must be one of reached, no_answer, busy, wrong_number, call_back_later' },
      ],
    });
    await expect(
      formDto(IntakeForm, {
        channel: 'pigeon',
        receivedAt: '2026-11-02T09:00',
        borrowerName: 'Ольга\u0007',
        substance: ['одна', 'две'],
      }),
    ).rejects.toMatchObject({
      errors: [
        { path: 'channel', message: expect.stringContaining('must be one of') },
        { path: 'borrowerName', message: 'must be text of at most 200 characters' },
        { path: 'substance', message: 'is required' },
      ],
    });
  });

  it('checks figures typed into number fields and ticked channels against what the page offers', async () => {
    const base = {
      titleRu: 'Оценка',
      titleEn: 'Rating',
      lowScoreThreshold: '3',
      delayMinutes: '15',
      expiryHours: '72',
      samplePercent: '100',
      channels: ['sms', 'email', ''],
    };
    await expect(formDto(SurveyEditForm, base)).resolves.toBeInstanceOf(SurveyEditForm);
    await expect(formDto(SurveyEditForm, { ...base, delayMinutes: '99999999999' })).rejects.toMatchObject({
      errors: [{ path: 'delayMinutes', message: 'must be a whole number from 0 to 43200' }],
    });
    await expect(formDto(SurveyEditForm, { ...base, channels: ['sms', 'fax'] })).rejects.toMatchObject({
      errors: [{ path: 'channels' }],
    });
  });
});

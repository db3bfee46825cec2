import type { AuditRecord } from '@app/audit';
import { readableHistory } from './history-view';

const WORDS: Record<string, string> = {
  'history.action.complaint.viewed': 'Просмотр',
  'history.action.complaint.reviewed': 'Рассмотрение',
  'history.field.status': 'Статус',
  'history.field.reviewer_id': 'Рассмотрел',
  'history.field.due_at': 'Срок ответа',
  'history.field.criteria': 'Критерии',
  'history.field.assigneeId': 'Исполнитель',
  'history.field.registerNo': 'Номер',
  'complaintStatus.registered': 'Зарегистрирована',
  'complaintStatus.under_review': 'На рассмотрении',
  'history.actor.system': 'Система',
};

const record = (over: Partial<AuditRecord>): AuditRecord => ({
  id: '1',
  occurredAt: '2026-11-18T09:00:00.000Z',
  actorType: 'staff',
  actorId: 'u-1',
  action: 'complaint.viewed',
  entityType: 'complaint',
  entityId: 'c-1',
  before: null,
  after: null,
  details: null,
  ...over,
});

describe('readable history', () => {
  const reader = {
    zone: 'Europe/Moscow',
    staff: new Map([
      ['u-1', 'Егор'],
      ['u-2', 'Анна'],
    ]),
    text: (key: string) => WORDS[key],
  };

  it('folds views into one line per person per day, counting them', () => {
    const entries = readableHistory(
      [
        record({ occurredAt: '2026-11-18T09:00:00.000Z' }),
        record({ occurredAt: '2026-11-18T10:00:00.000Z' }),
        record({ occurredAt: '2026-11-18T11:00:00.000Z', actorId: 'u-2' }),
        // 22:30 UTC is the next day in Moscow.
        record({ occurredAt: '2026-11-18T22:30:00.000Z' }),
      ],
      reader,
    );
    expect(entries.map((e) => [e.action, e.who, e.times])).toEqual([
      ['Просмотр', 'Егор', 2],
      ['Просмотр', 'Анна', 1],
      ['Просмотр', 'Егор', 1],
    ]);
  });

  it('names fields, people and codes in the reader’s words and dates in their zone, and hides bookkeeping', () => {
    const [entry] = readableHistory(
      [
        record({
          action: 'complaint.reviewed',
          before: { status: 'registered', reviewer_id: null, due_at: '2026-12-08T07:00:00.000Z', version: 1 },
          after: {
            status: 'under_review',
            reviewer_id: 'u-2',
            due_at: '2026-12-09T21:30:00.000Z',
            criteria: ['calculation_error'],
            version: 2,
          },
        }),
      ],
      reader,
    );
    expect(entry).toEqual({
      code: 'complaint.reviewed',
      action: 'Рассмотрение',
      who: 'Егор',
      occurredAt: '2026-11-18T09:00:00.000Z',
      times: null,
      changes: [
        { field: 'Статус', value: 'Зарегистрирована → На рассмотрении' },
        { field: 'Рассмотрел', value: '— → Анна' },
        { field: 'Срок ответа', value: '08.12.2026 10:00 → 10.12.2026 00:30' },
        { field: 'Критерии', value: 'calculation_error' },
      ],
    });
  });

  it('keeps every view apart for the audit log, and reads an entry’s details like its changes', () => {
    const entries = readableHistory(
      [
        record({ action: 'complaint.viewed' }),
        record({ action: 'complaint.viewed' }),
        record({
          action: 'complaint.assigned',
          after: {},
          details: { assigneeId: 'u-2', registerNo: '2026-000001' },
        }),
      ],
      reader,
      { foldViews: false },
    );
    expect(entries.map((e) => [e.code, e.times])).toEqual([
      ['complaint.viewed', null],
      ['complaint.viewed', null],
      ['complaint.assigned', null],
    ]);
    expect(entries[2]!.changes).toEqual([
      { field: 'Исполнитель', value: 'Анна' },
      { field: 'Номер', value: '2026-000001' },
    ]);
  });

  it('names the system and a user no longer known', () => {
    const entries = readableHistory(
      [record({ actorType: 'system', actorId: 'resonance' }), record({ actorId: 'u-9' })],
      reader,
    );
    expect(entries.map((e) => e.who)).toEqual(['Система', 'a former user']);
  });
});

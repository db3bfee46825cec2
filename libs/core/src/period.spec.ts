import { periodErrors } from './period';

describe('periodErrors', () => {
  it('accepts a period within the limit, one day included', () => {
    expect(periodErrors({ from: '2026-11-01', to: '2026-11-30' }, 366)).toEqual([]);
    expect(periodErrors({ from: '2026-11-01', to: '2026-11-01' }, 0)).toEqual([]);
    expect(periodErrors({ from: '2025-11-30', to: '2026-11-30' }, 365)).toEqual([]);
  });

  it('names each date that is not one, then a backwards or over-long period', () => {
    expect(periodErrors({ from: '2026-02-30', to: 'soon' }, 366).map((e) => e.path)).toEqual(['from', 'to']);
    expect(periodErrors({ from: '2026-11-30', to: '2026-11-01' }, 366)).toEqual([
      { path: 'to', message: 'must not be before from' },
    ]);
    expect(periodErrors({ from: '2025-11-30', to: '2026-12-01' }, 365)).toEqual([
      { path: 'to', message: 'the period must not exceed 365 days' },
    ]);
  });

  it('lets either end be absent only when told', () => {
    expect(periodErrors({}, 366).map((e) => e.path)).toEqual(['from', 'to']);
    expect(periodErrors({ to: '2026-11-01' }, 366, { optional: true })).toEqual([]);
    expect(periodErrors({ from: 7 }, 366, { optional: true }).map((e) => e.path)).toEqual(['from']);
  });
});

import { takeSlot } from '@app/database';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('takeSlot: a bounded pool held as advisory locks', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('grants exactly the overall number of slots to fifty simultaneous holders, and frees them on release', async () => {
    const leases = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        takeSlot(db.url, 'test-export', { holder: `u${i}`, perHolder: 2, overall: 4 }),
      ),
    );
    const granted = leases.filter((l) => 'release' in l);
    expect(granted).toHaveLength(4);
    expect(leases.filter((l) => 'refused' in l && l.refused === 'overall')).toHaveLength(46);
    for (const lease of granted) await (lease as { release(): Promise<void> }).release();
    const again = await takeSlot(db.url, 'test-export', { holder: 'late', perHolder: 2, overall: 4 });
    expect('release' in again).toBe(true);
    await (again as { release(): Promise<void> }).release();
  });

  it("limits one holder to its own share, whatever the pool's room", async () => {
    const leases = await Promise.all(
      Array.from({ length: 10 }, () =>
        takeSlot(db.url, 'test-export', { holder: 'same', perHolder: 2, overall: 8 }),
      ),
    );
    expect(leases.filter((l) => 'release' in l)).toHaveLength(2);
    expect(leases.filter((l) => 'refused' in l && l.refused === 'holder')).toHaveLength(8);
    for (const lease of leases) if ('release' in lease) await lease.release();
  });
});

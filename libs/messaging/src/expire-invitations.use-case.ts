import { Injectable } from '@nestjs/common';
import { Clock } from '@app/core';
import { InvitationLifecycle } from '@app/surveys';

/** Closes invitations past their expiry that were never answered; safe with many workers (SKIP LOCKED). */
@Injectable()
export class ExpireInvitations {
  constructor(
    private readonly lifecycle: InvitationLifecycle,
    private readonly clock: Clock,
  ) {}

  async execute(batch = 1000): Promise<number> {
    const now = this.clock.now();
    let total = 0;
    for (;;) {
      const expired = await this.lifecycle.expireDue(now, batch);
      total += expired;
      if (expired < batch) return total;
    }
  }
}

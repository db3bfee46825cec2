import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { SYSTEM_ACTOR, STAFF_ROLES, StaffRole } from '@app/audit';
import { deriveSecret } from '@app/core';
import { API_SCOPES, ApiKeyService, StaffUserService } from '@app/identity';
import { DemoHistoryService } from './demo-history.service';

export interface DemoLogin {
  role: StaffRole;
  email: string;
  password: string;
}

export interface DemoCredentials {
  logins: DemoLogin[];
  apiKey: string;
}

const DEMO_NAMES: Record<StaffRole, string> = {
  agent: 'Anna Agent',
  expert: 'Egor Expert',
  compliance: 'Ces Compliance',
  admin: 'Ada Admin',
};

/**
 * First-start data: the bootstrap admin (any mode) and, on the embedded demo, one user per role, an
 * API key and ninety days of history (DemoHistoryService). Demo secrets are derived from APP_SECRET so they can be printed again at every start while
 * only their hashes are stored.
 */
@Injectable()
export class DemoDataService {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: StaffUserService,
    private readonly apiKeys: ApiKeyService,
    private readonly history: DemoHistoryService,
  ) {}

  async ensureBootstrapAdmin(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin || (await this.users.count()) > 0) return;
    await this.users
      .create(SYSTEM_ACTOR, {
        email: admin.email,
        name: 'Administrator',
        role: 'admin',
        password: admin.password,
      })
      .catch((error: { code?: string }) => {
        if (error.code !== 'conflict') throw error;
      });
    this.logger.log('Bootstrap admin created');
  }

  demoCredentials(): DemoCredentials {
    return {
      logins: STAFF_ROLES.map((role) => ({
        role,
        email: `${role}@demo.resonance.example`,
        password: deriveSecret(this.config.appSecret, `demo-password:${role}`, 12),
      })),
      apiKey: `rsn_${deriveSecret(this.config.appSecret, 'demo-api-key', 32)}`,
    };
  }

  /** Idempotent: running it on every start adds only what is missing. */
  async seedDemo(): Promise<DemoCredentials> {
    const credentials = this.demoCredentials();
    for (const login of credentials.logins) {
      if (await this.users.findByEmail(login.email)) continue;
      await this.users
        .create(SYSTEM_ACTOR, { ...login, name: DEMO_NAMES[login.role], locale: 'en' })
        .catch((error: { code?: string }) => {
          if (error.code !== 'conflict') throw error;
        });
    }
    await this.apiKeys.ensure(
      SYSTEM_ACTOR,
      { name: 'Demo integration', scopes: [...API_SCOPES] },
      credentials.apiKey,
    );
    await this.history.seed();
    return credentials;
  }
}

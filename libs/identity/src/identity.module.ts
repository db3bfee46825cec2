import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyService } from './api-key.service';
import { PasswordHasher } from './password-hasher';
import { StaffUserEntity } from './staff-user.entity';
import { StaffUserService } from './staff-user.service';
import { StaffSessions } from './staff-sessions.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity, StaffUserEntity])],
  providers: [ApiKeyService, StaffUserService, StaffSessions, PasswordHasher],
  exports: [ApiKeyService, StaffUserService, StaffSessions],
})
export class IdentityModule {}

import { Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from '../access/access.guard';
import { scopeOf } from '../access/actor';
import { AuditAccessRegistry } from '../audit/audit-access.registry';
import { BOX_BOOTSTRAP } from '../runtime/box-bootstrap';
import { ApiKeysController } from './api/api-keys.controller';
import { AuthController } from './api/auth.controller';
import { LocationInterceptor } from '../http/route-helpers';
import { MeController } from './api/me.controller';
import { RolesController } from './api/roles.controller';
import { TeamsController } from './api/teams.controller';
import { UsersController } from './api/users.controller';
import { AccessTokens } from './application/access-tokens';
import { ApiKeysService } from './application/api-keys.service';
import { AuthService } from './application/auth.service';
import { LoginThrottle } from './application/login-throttle';
import { PasswordHasher } from './application/password-hasher';
import { RolesService } from './application/roles.service';
import { TeamsService } from './application/teams.service';
import { UsersService } from './application/users.service';
import { ApiKeyStrategy } from './auth/api-key.strategy';
import { JwtStrategy } from './auth/jwt.strategy';
import { DEFAULT_LOGIN_POLICY, LOGIN_POLICY } from './domain/login-policy';
import { IdentityBoxBootstrap } from './identity-box-bootstrap';
import { IdentityFacade } from './identity.facade';
import { ActorLoader } from './persistence/actor-loader';
import { IDENTITY_ENTITIES } from './persistence/entities';
import { IdentityStore } from './persistence/identity-store';

/**
 * Users, teams, roles, sessions and API keys, and the global guard that turns credentials into
 * the Actor every other module works with.
 */
@Module({
  imports: [TypeOrmModule.forFeature(IDENTITY_ENTITIES), PassportModule],
  controllers: [AuthController, MeController, UsersController, TeamsController, RolesController, ApiKeysController],
  providers: [
    { provide: LOGIN_POLICY, useValue: DEFAULT_LOGIN_POLICY },
    PasswordHasher,
    AccessTokens,
    ActorLoader,
    IdentityStore,
    LoginThrottle,
    AuthService,
    UsersService,
    TeamsService,
    RolesService,
    ApiKeysService,
    JwtStrategy,
    ApiKeyStrategy,
    LocationInterceptor,
    { provide: APP_GUARD, useClass: AccessGuard },
    IdentityFacade,
    IdentityBoxBootstrap,
    { provide: BOX_BOOTSTRAP, useExisting: IdentityBoxBootstrap },
  ],
  exports: [IdentityFacade, BOX_BOOTSTRAP],
})
export class IdentityModule implements OnModuleInit {
  constructor(
    private readonly auditAccess: AuditAccessRegistry,
    private readonly users: UsersService,
    private readonly teams: TeamsService,
    private readonly keys: ApiKeysService,
  ) {}

  /** Who may read the audit history of identity records: whoever may read the record. */
  onModuleInit(): void {
    this.auditAccess.register('users', (actor, id) => this.users.canRead(actor, id));
    this.auditAccess.register('teams', (actor, id) => this.teams.canRead(actor, id));
    this.auditAccess.register('api-keys', (actor, id) => this.keys.canRead(actor, id));
    this.auditAccess.register('roles', async (actor) => scopeOf(actor, 'roles', 'read') !== 'none');
  }
}

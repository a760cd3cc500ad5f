import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { BoxBootstrap } from '../runtime/box-bootstrap';
import { IdentityFacade } from './identity.facade';

/** Box mode, after migrations: the first admin of an empty box. */
@Injectable()
export class IdentityBoxBootstrap implements BoxBootstrap {
  private readonly logger = new Logger('identity');

  constructor(private readonly identity: IdentityFacade) {}

  async run(config: AppConfig): Promise<void> {
    const result = await this.identity.ensureFirstAdmin(config);
    if (!result.created) return;
    if (result.generatedPassword) {
      // Printed once, to the operator's terminal, never to the log.
      process.stdout.write(
        `\nFirst administrator created.\n  Email:    ${result.email}\n  Password: ${result.generatedPassword}\n` +
          `Store it now: it is not shown again. Set ADMIN_EMAIL / ADMIN_PASSWORD before the first start to choose them.\n\n`,
      );
    } else {
      this.logger.log(`first administrator created: ${result.email}`);
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { Actor } from '../../access/actor';
import { API_KEY_STRATEGY } from '../../access/access.guard';
import { API_KEY_FORMAT, sha256Hex } from '../domain/secrets';
import { ActorLoader } from '../persistence/actor-loader';

const TOUCH_EVERY_MS = 60_000;

/** `X-API-Key: crm_…`: an integration, acting with the key's role. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, API_KEY_STRATEGY) {
  private readonly logger = new Logger('api-keys');

  constructor(private readonly actors: ActorLoader) {
    super({ header: 'X-API-Key', prefix: '' }, false);
  }

  async validate(apiKey: string): Promise<Actor | false> {
    if (typeof apiKey !== 'string' || !API_KEY_FORMAT.test(apiKey)) return false;
    const found = await this.actors.forApiKey(sha256Hex(apiKey));
    if (!found) return false;
    if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
      // Bookkeeping must not fail or slow the request it describes.
      this.actors.touchApiKey(found.actor.id).catch((err: Error) => this.logger.warn(`recording lastUsedAt failed: ${err.message}`));
    }
    return found.actor;
  }
}

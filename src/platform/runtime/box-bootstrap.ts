import { AppConfig } from '../config/config';

/** What box mode runs once the schema is current (the first admin on an empty database). */
export interface BoxBootstrap {
  run(config: AppConfig): Promise<void>;
}

export const BOX_BOOTSTRAP = Symbol('BOX_BOOTSTRAP');

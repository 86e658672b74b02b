import type { Logger } from 'pino';
import type { HostModels } from './models';
import type { SettingsRegistry } from './settings/SettingsRegistry';
import type { Callbacks } from './callbacks';
import type { BackgroundTasks } from './tasks/BackgroundTasks';

/** What the host's services share; built once by `createHost` and passed down (no singletons). */
export interface HostDeps {
  models: HostModels;
  settings: SettingsRegistry;
  callbacks: Callbacks;
  tasks: BackgroundTasks;
  logger: Logger;
  /** The clock, injectable for tests. */
  now: () => Date;
}

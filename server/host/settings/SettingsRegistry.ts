import type { Logger } from 'pino';
import type { ISettingDefinition, SettingValue } from '../../../definitions/ISetting';
import type { IPushSettings } from '../../../definitions/IPushSettings';
import type { ISettingDocument, ISettingsRegistry, ISettingView, SettingWatcher } from '../../../definitions/IHost';
import type { SettingsModel } from '../models/SettingsModel';
import { PushError } from '../../../lib/errors';
import {
  validateSettingValue,
  parseSettingFromString,
  maskSetting,
  toPushSettings,
  checkSettingDefinitions,
} from '../../../lib/settings';

const OVERWRITE_PREFIX = 'OVERWRITE_SETTING_';

/** Definition fields copied to the stored document (Rocket.Chat keeps them next to the value). */
const STORED_FIELDS = [
  'type',
  'packageValue',
  'group',
  'section',
  'secret',
  'public',
  'values',
  'multiline',
  'min',
  'max',
  'i18nDescription',
  'readonly',
] as const;

export interface SettingsRegistryOptions {
  model: SettingsModel;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Environment holding `OVERWRITE_SETTING_<id>` variables. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Settings declared as data, stored in `rocketchat_settings`, cached in memory for synchronous `get`, validated on
 * every write, watched for changes, and forced by `OVERWRITE_SETTING_<id>` (applied whenever the setting is declared,
 * and refusing later changes). Secret values never leave through `view`.
 */
export class SettingsRegistry implements ISettingsRegistry {
  private readonly defs = new Map<string, ISettingDefinition>();
  private readonly values = new Map<string, SettingValue>();
  private readonly watchers = new Map<string, Set<SettingWatcher>>();
  private readonly overwritten = new Set<string>();
  private pushSnapshot?: IPushSettings;

  constructor(private readonly options: SettingsRegistryOptions) {}

  async declare(definitions: readonly ISettingDefinition[]): Promise<void> {
    const problems = checkSettingDefinitions([...this.defs.values(), ...definitions]);
    if (problems.length > 0) throw new PushError('PUSH_ERR_INVALID_INPUT', [`setting declarations: ${problems.join('; ')}`]);
    const overrides = this.parseOverrides(definitions);
    const now = new Date();
    for (const definition of definitions) {
      const metadata: Record<string, unknown> = { _updatedAt: now };
      for (const field of STORED_FIELDS) if (definition[field] !== undefined) metadata[field] = definition[field];
      await this.options.model.col.updateOne(
        { _id: definition._id },
        { $set: metadata, $setOnInsert: { value: definition.packageValue, createdAt: now } },
        { upsert: true },
      );
    }
    for (const [id, value] of overrides) {
      await this.options.model.col.updateOne({ _id: id }, { $set: { value, _updatedAt: now } });
      this.overwritten.add(id);
    }
    for (const definition of definitions) this.defs.set(definition._id, definition);
    await this.load(definitions.map((d) => d._id), false);
    if (overrides.size > 0) this.options.logger.info({ settings: [...overrides.keys()] }, 'settings forced by OVERWRITE_SETTING_*');
  }

  get<T extends SettingValue = SettingValue>(id: string): T | undefined {
    return this.values.get(id) as T | undefined;
  }

  async set(id: string, value: unknown): Promise<void> {
    const definition = this.defs.get(id);
    if (!definition) throw new PushError('PUSH_ERR_SETTING_UNKNOWN', [id]);
    if (this.overwritten.has(id)) throw new PushError('PUSH_ERR_SETTING_OVERWRITTEN', [id, id]);
    if (definition.readonly) throw new PushError('PUSH_ERR_SETTING_READ_ONLY', [id]);
    await this.write(definition, value);
  }

  /** Server-side write that bypasses `readonly` (for values the host manages, e.g. `Site_Url`, `uniqueID`). */
  async setManaged(id: string, value: unknown): Promise<void> {
    const definition = this.defs.get(id);
    if (!definition) throw new PushError('PUSH_ERR_SETTING_UNKNOWN', [id]);
    if (this.overwritten.has(id)) return;
    await this.write(definition, value);
  }

  watch(ids: string | readonly string[], cb: SettingWatcher): () => void {
    const list = typeof ids === 'string' ? [ids] : [...ids];
    for (const id of list) {
      let set = this.watchers.get(id);
      if (!set) this.watchers.set(id, (set = new Set()));
      set.add(cb);
    }
    return () => {
      for (const id of list) this.watchers.get(id)?.delete(cb);
    };
  }

  definition(id: string): ISettingDefinition | undefined {
    return this.defs.get(id);
  }

  definitions(): readonly ISettingDefinition[] {
    return [...this.defs.values()];
  }

  isOverwritten(id: string): boolean {
    return this.overwritten.has(id);
  }

  view(id: string): ISettingView | undefined {
    const definition = this.defs.get(id);
    if (!definition) return undefined;
    return maskSetting(definition, this.values.get(id) ?? definition.packageValue);
  }

  pushSettings(): IPushSettings {
    this.pushSnapshot ??= toPushSettings(Object.fromEntries(this.values));
    return this.pushSnapshot;
  }

  async refresh(): Promise<void> {
    await this.load([...this.defs.keys()], true);
  }

  private async write(definition: ISettingDefinition, value: unknown): Promise<void> {
    const checked = validateSettingValue(definition, value);
    if (!checked.ok) throw new PushError('PUSH_ERR_SETTING_INVALID_VALUE', [definition._id, checked.reason]);
    if (this.values.get(definition._id) === checked.value) return;
    await this.options.model.col.updateOne(
      { _id: definition._id },
      { $set: { value: checked.value, _updatedAt: new Date() } },
    );
    await this.apply(definition._id, checked.value);
  }

  /** Reads stored values into the cache; with `notify`, watchers hear about values that changed. */
  private async load(ids: string[], notify: boolean): Promise<void> {
    const docs = await this.options.model.col.find({ _id: { $in: ids } }).toArray();
    const byId = new Map(docs.map((doc: ISettingDocument) => [doc._id, doc]));
    for (const id of ids) {
      const definition = this.defs.get(id)!;
      const stored = byId.get(id)?.value;
      const checked = validateSettingValue(definition, stored);
      if (!checked.ok) {
        // A value written by an older version or by hand: keep serving the default rather than a wrong type.
        this.options.logger.warn({ setting: id, reason: checked.reason }, 'stored setting value is invalid; using the default');
      }
      const value = checked.ok ? checked.value : definition.packageValue;
      if (notify && this.values.get(id) !== value) await this.apply(id, value);
      else {
        this.values.set(id, value);
        this.pushSnapshot = undefined;
      }
    }
  }

  private async apply(id: string, value: SettingValue): Promise<void> {
    this.values.set(id, value);
    this.pushSnapshot = undefined;
    for (const watcher of [...(this.watchers.get(id) ?? [])]) {
      try {
        await watcher(value, id);
      } catch (err) {
        this.options.logger.error({ err, setting: id }, 'setting watcher failed');
      }
    }
  }

  private parseOverrides(definitions: readonly ISettingDefinition[]): Map<string, SettingValue> {
    const env = this.options.env ?? {};
    const overrides = new Map<string, SettingValue>();
    for (const definition of definitions) {
      const text = env[OVERWRITE_PREFIX + definition._id];
      if (text === undefined) continue;
      const parsed = parseSettingFromString(definition, text);
      if (!parsed.ok) {
        // Refuse to start: an admin forced a value, and silently ignoring it would hide their mistake.
        throw new PushError('PUSH_ERR_SETTING_INVALID_VALUE', [`${definition._id} (${OVERWRITE_PREFIX}${definition._id})`, parsed.reason]);
      }
      overrides.set(definition._id, parsed.value);
    }
    return overrides;
  }
}

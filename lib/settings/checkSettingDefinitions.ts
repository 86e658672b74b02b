import type { ISettingDefinition } from '../../definitions/ISetting';
import { validateSettingValue } from './validateSettingValue';

/**
 * Problems in a set of declarations: duplicate ids, defaults their own rules refuse, secrets marked public.
 * Returns one line per problem (empty when the set is sound).
 */
export function checkSettingDefinitions(definitions: readonly ISettingDefinition[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (seen.has(definition._id)) problems.push(`${definition._id}: declared twice`);
    seen.add(definition._id);
    if (definition.secret && definition.public) problems.push(`${definition._id}: a secret cannot be public`);
    if (definition.type === 'select' && (definition.values ?? []).length === 0) {
      problems.push(`${definition._id}: a select needs values`);
    }
    const checked = validateSettingValue(definition, definition.packageValue);
    if (!checked.ok) problems.push(`${definition._id}: default ${checked.reason}`);
  }
  return problems;
}

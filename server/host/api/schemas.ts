/**
 * JSON-schema fragments for the REST API. Types are strict (no coercion): an object or a `$`-operator where a
 * string is expected is refused by validation, before any handler runs.
 */
export const str = (maxLength = 256, extra: Record<string, unknown> = {}) => ({
  type: 'string',
  minLength: 1,
  maxLength,
  ...extra,
});

/** Document ids: Meteor ids (17), direct-message ids (34), ObjectId hex (24); never operators or paths. */
export const id = str(128, { pattern: '^[A-Za-z0-9_-]+$' });

export const bool = { type: 'boolean' };

export const zeroOrOne = { type: 'string', enum: ['0', '1'] };

export function object(properties: Record<string, unknown>, required: string[] = [], extra: Record<string, unknown> = {}) {
  return { type: 'object', additionalProperties: false, properties, required, ...extra };
}

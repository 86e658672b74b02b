/** Rocket.Chat's default `UTF8_User_Names_Validation` / `UTF8_Channel_Names_Validation`. */
export const NAME_PATTERN = '^[0-9a-zA-Z\\-_.]+$';
const NAME_REGEX = new RegExp(NAME_PATTERN);

/** `@all` and `@here` address everyone; no user may take those names. */
const RESERVED_USERNAMES = new Set(['all', 'here']);

export function isValidUsername(username: string): boolean {
  return NAME_REGEX.test(username) && !RESERVED_USERNAMES.has(username.toLowerCase());
}

export function isValidRoomName(name: string): boolean {
  return NAME_REGEX.test(name);
}

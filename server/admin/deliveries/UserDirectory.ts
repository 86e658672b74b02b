import type { IUsersModel } from '../../../definitions/IHost';

/**
 * Usernames for user ids, for the delivery log (which names people, not ids). Remembers what it looked up, bounded,
 * so the live log does not query the users for every delivery.
 */
export class UserDirectory {
  private readonly names = new Map<string, string>();

  constructor(private readonly users: Pick<IUsersModel, 'findByIds'>, private readonly maxEntries = 5000) {}

  async usernames(ids: Iterable<string>): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)].filter((id) => id !== '');
    const missing = wanted.filter((id) => !this.names.has(id));
    if (missing.length > 0) {
      for (const user of await this.users.findByIds(missing)) this.remember(user._id, user.username);
    }
    const found = new Map<string, string>();
    for (const id of wanted) {
      const name = this.names.get(id);
      if (name !== undefined) found.set(id, name);
    }
    return found;
  }

  private remember(id: string, username: string): void {
    if (this.names.size >= this.maxEntries) this.names.delete(this.names.keys().next().value as string);
    this.names.set(id, username);
  }
}

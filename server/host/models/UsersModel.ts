import type { Db } from 'mongodb';
import type { IUser } from '../../../definitions/IUser';
import type { IUsersModel } from '../../../definitions/IHost';
import { BaseModel, exactInsensitive } from './BaseModel';

/** Never hand password hashes or login tokens to anything that does not need them. */
export const USER_PUBLIC_PROJECTION = { services: 0 } as const;

export class UsersModel extends BaseModel<IUser> implements IUsersModel {
  constructor(db: Db) {
    super(db, 'users', [
      { key: { username: 1 }, name: 'username_1', unique: true },
      { key: { 'emails.address': 1 }, name: 'emails.address_1', unique: true, sparse: true },
      // Not unique: tokens are 258-bit random values, and a unique multikey index would make every user with an
      // empty token list collide on some servers. Sparse keeps users without sessions out of the index.
      { key: { 'services.resume.loginTokens.hashedToken': 1 }, name: 'loginTokens.hashedToken_1', sparse: true },
      { key: { roles: 1 }, name: 'roles_1' },
      { key: { active: 1 }, name: 'active_1' },
    ]);
  }

  /** Usernames are unique case-insensitively (as Rocket.Chat checks on creation). */
  findOneByUsername(username: string): Promise<IUser | null> {
    return this.col.findOne({ username: exactInsensitive(username) });
  }

  findOneByEmail(email: string): Promise<IUser | null> {
    return this.col.findOne({ 'emails.address': email.trim().toLowerCase() });
  }

  findOneByIdAndLoginToken(uid: string, hashedToken: string): Promise<IUser | null> {
    return this.col.findOne({ _id: uid, 'services.resume.loginTokens.hashedToken': hashedToken });
  }

  findByIds(ids: readonly string[]): Promise<IUser[]> {
    return this.col.find({ _id: { $in: [...ids] } }, { projection: USER_PUBLIC_PROJECTION }).toArray();
  }

  /** Room members by username, case-insensitive (for resolving `@mentions`). */
  findByUsernames(usernames: readonly string[]): Promise<IUser[]> {
    if (usernames.length === 0) return Promise.resolve([]);
    return this.col
      .find({ username: { $in: usernames.map(exactInsensitive) } }, { projection: USER_PUBLIC_PROJECTION })
      .toArray();
  }

  async getLoginTokenHashes(uid: string): Promise<string[]> {
    const user = await this.col.findOne({ _id: uid }, { projection: { 'services.resume.loginTokens': 1 } });
    return (user?.services?.resume?.loginTokens ?? []).map((token) => token.hashedToken);
  }

  countActiveAdmins(): Promise<number> {
    return this.col.countDocuments({ roles: 'admin', active: true });
  }
}

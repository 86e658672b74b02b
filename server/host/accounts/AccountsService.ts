import type { IUser, IUserPreferences, PushPreference, UserStatus } from '../../../definitions/IUser';
import type { HostDeps } from '../HostDeps';
import { ApiError, badRequest, forbidden, notFound, unauthorized } from '../api/ApiError';
import { hashPassword, verifyPassword, decoyHash } from './password';
import { generateLoginToken, hashLoginToken } from './loginTokens';
import { LoginThrottle, ThrottlePolicy } from './LoginThrottle';
import { toPublicUser, isAdmin, PublicUser } from './publicUser';
import { isValidUsername } from './validation';
import { randomId, randomSecret } from '../util/random';

export interface LoginInput {
  user?: string;
  username?: string;
  email?: string;
  password?: string;
  resume?: string;
}

export interface LoginResult {
  userId: string;
  authToken: string;
  me: PublicUser;
}

export interface CreateUserInput {
  username: string;
  password: string;
  name: string;
  email: string;
  roles?: string[];
  active?: boolean;
  verified?: boolean;
}

export interface PreferencesInput {
  pushNotifications?: PushPreference | 'default';
  alwaysNotifyMobile?: boolean;
  highlights?: string[];
  language?: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** Users, passwords, sessions and account preferences (Rocket.Chat's accounts subset). */
export class AccountsService {
  constructor(
    private readonly deps: HostDeps,
    private readonly throttle = new LoginThrottle(),
  ) {}

  /** `POST login`: username/email + password, or a `resume` token. Brute force is throttled per name and IP. */
  async login(input: LoginInput, ip: string): Promise<LoginResult> {
    if (input.resume !== undefined) return this.resume(input.resume);
    const identifier = (input.user ?? input.username ?? input.email ?? '').trim();
    if (!identifier || input.password === undefined) {
      throw badRequest('invalid-params', 'Provide user (username or email) and password');
    }
    const policy = this.throttlePolicy();
    const verdict = this.throttle.check(identifier, ip, policy, this.deps.now().getTime());
    if (verdict.blocked) {
      throw new ApiError(
        429,
        'error-too-many-requests',
        `Too many failed login attempts. Try again in ${verdict.retryAfterSeconds} seconds.`,
        { 'retry-after': String(verdict.retryAfterSeconds) },
      );
    }
    const user = await this.findForLogin(identifier);
    // Hash even for unknown users, so response time does not reveal which usernames exist.
    const stored = user?.services?.password?.scrypt ?? (await decoyHash());
    const matches = (await verifyPassword(input.password, stored)) && user !== null;
    if (!matches || !user) {
      this.throttle.recordFailure(identifier, ip, policy, this.deps.now().getTime());
      throw new ApiError(401, 'error-unauthorized', 'Unauthorized');
    }
    if (!user.active) throw new ApiError(401, 'error-user-is-not-activated', 'User is not activated');
    this.throttle.recordSuccess(identifier);
    const authToken = await this.issueToken(user._id);
    return { userId: user._id, authToken, me: toPublicUser(user) };
  }

  /** `POST logout`: forgets the session's token and tells plugins (devices tied to it go away). */
  async logout(user: IUser, hashedToken: string): Promise<void> {
    await this.deps.models.users.col.updateOne(
      { _id: user._id },
      { $pull: { 'services.resume.loginTokens': { hashedToken } }, $set: { _updatedAt: this.deps.now() } },
    );
    const remaining = await this.deps.models.users.getLoginTokenHashes(user._id);
    await this.deps.callbacks.run('afterLoginTokensChanged', user._id, remaining);
  }

  /** Resolves a request's credentials; null when they do not name an active, unexpired session. */
  async authenticate(userId: string, token: string): Promise<{ user: IUser; hashedToken: string } | null> {
    const hashedToken = hashLoginToken(token);
    const user = await this.deps.models.users.findOneByIdAndLoginToken(userId, hashedToken);
    if (!user || !user.active) return null;
    const session = user.services?.resume?.loginTokens.find((t) => t.hashedToken === hashedToken);
    if (!session || this.isExpired(session.when)) return null;
    return { user, hashedToken };
  }

  async createUser(input: CreateUserInput): Promise<PublicUser> {
    const username = input.username.trim();
    if (!isValidUsername(username)) {
      throw badRequest('error-invalid-username', `Username "${username}" is not valid (letters, digits, - _ .)`);
    }
    const email = input.email.trim().toLowerCase();
    const { users } = this.deps.models;
    if (await users.findOneByUsername(username)) {
      throw badRequest('error-field-unavailable', `${username} is already in use :(`);
    }
    if (await users.findOneByEmail(email)) throw badRequest('error-field-unavailable', `${email} is already in use :(`);
    const now = this.deps.now();
    const user: IUser = {
      _id: randomId(),
      createdAt: now,
      _updatedAt: now,
      username,
      name: input.name.trim() || username,
      emails: [{ address: email, verified: input.verified === true }],
      type: 'user',
      active: input.active ?? true,
      status: 'offline',
      statusConnection: 'offline',
      roles: [...new Set(input.roles && input.roles.length > 0 ? input.roles : ['user'])],
      settings: { preferences: {} },
      services: { password: { scrypt: await hashPassword(input.password) }, resume: { loginTokens: [] } },
    };
    try {
      await users.col.insertOne(user);
    } catch (err) {
      // Lost a race with another request for the same username or email.
      if ((err as { code?: number }).code === 11000) throw badRequest('error-field-unavailable', 'Username or email already in use');
      throw err;
    }
    return toPublicUser(user);
  }

  /**
   * On an empty database, creates the admin. Without a password in the environment a random one is generated and
   * handed to `announce` once: the only place a secret is ever shown.
   */
  async ensureAdmin(env: Readonly<Record<string, string | undefined>>, announce: (text: string) => void): Promise<void> {
    if ((await this.deps.models.users.col.countDocuments({}, { limit: 1 })) > 0) return;
    const username = env.ADMIN_USERNAME?.trim() || 'admin';
    const generated = !env.ADMIN_PASSWORD;
    const password = env.ADMIN_PASSWORD || randomSecret(24);
    try {
      await this.createUser({
        username,
        password,
        name: 'Administrator',
        email: env.ADMIN_EMAIL?.trim() || `${username}@localhost`,
        roles: ['admin', 'user'],
        verified: true,
      });
    } catch (err) {
      if (err instanceof ApiError && err.errorType === 'error-field-unavailable') return; // another instance won
      throw err;
    }
    this.deps.logger.info({ username }, 'admin user created');
    if (generated) {
      announce(`Admin user "${username}" created with the generated password: ${password}\n` +
        'It is shown only this once: log in and keep it safe (or set ADMIN_PASSWORD on an empty database).\n');
    }
  }

  async setStatus(user: IUser, status: UserStatus, message?: string): Promise<void> {
    const $set: Partial<IUser> = { status, _updatedAt: this.deps.now() };
    if (message !== undefined) $set.statusText = message.trim();
    await this.updateAndAnnounceStatus(user._id, $set);
  }

  /**
   * Host extension (Rocket.Chat computes this from its realtime connections): what a connected client reports as
   * its presence. `online` means "connected on desktop", which the push module's online strategy looks at.
   */
  async setPresence(user: IUser, status: Exclude<UserStatus, 'busy'>): Promise<void> {
    await this.updateAndAnnounceStatus(user._id, { statusConnection: status, _updatedAt: this.deps.now() });
  }

  /** `users.setPreferences`, with Rocket.Chat's cascade of the push preference and highlights to subscriptions. */
  async setPreferences(actor: IUser, targetId: string | undefined, data: PreferencesInput): Promise<PublicUser> {
    const uid = targetId ?? actor._id;
    if (uid !== actor._id && !isAdmin(actor)) throw forbidden('Editing another user requires the admin role');
    const { users, subscriptions } = this.deps.models;
    const target = await users.findOneById(uid);
    if (!target) throw notFound('error-invalid-user', 'User not found');

    const $set: Record<string, unknown> = { _updatedAt: this.deps.now() };
    const $unset: Record<string, ''> = {};
    if (data.pushNotifications === 'default') $unset['settings.preferences.pushNotifications'] = '';
    else if (data.pushNotifications !== undefined) $set['settings.preferences.pushNotifications'] = data.pushNotifications;
    if (data.alwaysNotifyMobile !== undefined) $set['settings.preferences.alwaysNotifyMobile'] = data.alwaysNotifyMobile;
    if (data.language !== undefined) $set['settings.preferences.language'] = data.language;
    const highlights = data.highlights && [...new Set(data.highlights.map((h) => h.trim()).filter(Boolean))];
    if (highlights) $set['settings.preferences.highlights'] = highlights;
    await users.col.updateOne({ _id: uid }, Object.keys($unset).length ? { $set, $unset } : { $set });

    // Subscriptions hold a copy of the account preference unless the room overrides it (origin 'subscription').
    if (data.pushNotifications === 'default') {
      await subscriptions.col.updateMany(
        { 'u._id': uid, mobilePrefOrigin: 'user' },
        { $unset: { mobilePushNotifications: '', mobilePrefOrigin: '' } },
      );
    } else if (data.pushNotifications !== undefined) {
      await subscriptions.col.updateMany(
        { 'u._id': uid, mobilePrefOrigin: { $ne: 'subscription' } },
        { $set: { mobilePushNotifications: data.pushNotifications, mobilePrefOrigin: 'user' } },
      );
    }
    if (highlights) await subscriptions.col.updateMany({ 'u._id': uid }, { $set: { userHighlights: highlights } });
    const updated = await users.findOneById(uid);
    return toPublicUser(updated!);
  }

  /** `users.setActiveStatus` (admin). Deactivating ends the user's sessions, as Rocket.Chat does. */
  async setActiveStatus(actor: IUser, uid: string, active: boolean): Promise<{ _id: string; active: boolean }> {
    if (!isAdmin(actor)) throw forbidden();
    const { users } = this.deps.models;
    const target = await users.findOneById(uid);
    if (!target) throw notFound('error-invalid-user', 'User not found');
    if (!active && target.active && isAdmin(target) && (await users.countActiveAdmins()) <= 1) {
      throw badRequest('error-action-not-allowed', 'Leaving the workspace without an active admin is not allowed');
    }
    const $set: Record<string, unknown> = { active, _updatedAt: this.deps.now() };
    if (!active) $set['services.resume.loginTokens'] = [];
    await users.col.updateOne({ _id: uid }, { $set });
    if (!active) await this.deps.callbacks.run('afterLoginTokensChanged', uid, []);
    return { _id: uid, active };
  }

  private async updateAndAnnounceStatus(uid: string, $set: Partial<IUser>): Promise<void> {
    const updated = await this.deps.models.users.col.findOneAndUpdate(
      { _id: uid },
      { $set },
      { returnDocument: 'after', projection: { services: 0 } },
    );
    if (updated) await this.deps.callbacks.run('afterUserStatusChanged', updated);
  }

  private async resume(token: string): Promise<LoginResult> {
    const hashedToken = hashLoginToken(token);
    const user = await this.deps.models.users.col.findOne({ 'services.resume.loginTokens.hashedToken': hashedToken });
    const session = user?.services?.resume?.loginTokens.find((t) => t.hashedToken === hashedToken);
    if (!user || !user.active || !session || this.isExpired(session.when)) throw unauthorized('Unauthorized');
    return { userId: user._id, authToken: token, me: toPublicUser(user) };
  }

  private async findForLogin(identifier: string): Promise<IUser | null> {
    const { users } = this.deps.models;
    if (identifier.includes('@')) return users.findOneByEmail(identifier);
    return (await users.col.findOne({ username: identifier })) ?? users.findOneByUsername(identifier);
  }

  private async issueToken(uid: string): Promise<string> {
    const token = generateLoginToken();
    const now = this.deps.now();
    const { users } = this.deps.models;
    await users.col.updateOne(
      { _id: uid },
      {
        $push: { 'services.resume.loginTokens': { hashedToken: hashLoginToken(token), when: now } },
        $set: { _updatedAt: now },
      },
    );
    // Drop sessions past their expiry so the list does not grow forever.
    await users.col.updateOne(
      { _id: uid },
      { $pull: { 'services.resume.loginTokens': { when: { $lt: new Date(now.getTime() - this.expiryMs()) } } } },
    );
    return token;
  }

  private isExpired(when: Date): boolean {
    return this.deps.now().getTime() - new Date(when).getTime() > this.expiryMs();
  }

  private expiryMs(): number {
    return (this.deps.settings.get<number>('Accounts_LoginExpiration') ?? 90) * DAY_MS;
  }

  private throttlePolicy(): ThrottlePolicy {
    const get = (id: string, fallback: number) => this.deps.settings.get<number>(id) ?? fallback;
    return {
      enabled: this.deps.settings.get<boolean>('Block_Multiple_Failed_Logins_Enabled') ?? true,
      byUser: {
        attempts: get('Block_Multiple_Failed_Logins_Attempts_Until_Block_By_User', 10),
        windowMs: get('Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes', 5) * 60_000,
      },
      byIp: {
        attempts: get('Block_Multiple_Failed_Logins_Attempts_Until_Block_by_Ip', 50),
        windowMs: get('Block_Multiple_Failed_Logins_Time_To_Unblock_By_Ip_In_Minutes', 5) * 60_000,
      },
    };
  }
}

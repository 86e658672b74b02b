import type { IUser } from '../../../definitions/IUser';

/** A user as any API returns it: everything but `services` (password hash, login tokens). */
export type PublicUser = Omit<IUser, 'services'>;

export function toPublicUser(user: IUser): PublicUser {
  const { services, ...rest } = user;
  return rest;
}

export const isAdmin = (user: Pick<IUser, 'roles'>) => Array.isArray(user.roles) && user.roles.includes('admin');

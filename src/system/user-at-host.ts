import { hostname, userInfo } from 'node:os';

/** Who and where, as `user@host`: the local CA's name and a client certificate's default
 *  name. Just the host name when the user has no name (a container's uid without a
 *  passwd entry makes userInfo() throw). */
export function userAtHost(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return hostname();
  }
}

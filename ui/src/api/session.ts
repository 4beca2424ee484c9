// Who this page is: the owner (a launch token from the URL fragment, kept in sessionStorage) or a teammate's read-only share.

const TOKEN_KEY = 'miahook.token';

export type Session =
  | { kind: 'owner'; token: string; base: '' }
  | { kind: 'share'; base: string };

/**
 * Reads the session from the address: `/share/<token>/...` is a read-only share (its API lives under that prefix,
 * no bearer token); otherwise a `#token=` fragment is moved into sessionStorage and removed from the address bar.
 * Returns null when the owner opened the page without a token.
 */
export function readSession(location: Location = window.location, storage: Storage = window.sessionStorage): Session | null {
  const share = /^\/share\/[^/]+/.exec(location.pathname);
  if (share) return { kind: 'share', base: share[0] };
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return { kind: 'owner', token: fromUrl, base: '' };
  }
  const stored = storage.getItem(TOKEN_KEY);
  return stored ? { kind: 'owner', token: stored, base: '' } : null;
}

/** Forgets the stored token (after the server refused it). */
export function forgetToken(storage: Storage = window.sessionStorage): void {
  storage.removeItem(TOKEN_KEY);
}

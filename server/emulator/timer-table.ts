// Named timers per payment (expire, pending, success...), safe for deadlines beyond setTimeout's 24.8-day limit.

const MAX_DELAY_MS = 2_147_483_647;

export interface TimerTable {
  /** Runs `fire` at the epoch time `atMs` (now if past), replacing the timer of that name. */
  set(id: string, name: string, atMs: number, fire: () => void): void;
  cancel(id: string, name: string): void;
  clear(id: string): void;
  clearAll(): void;
}

export function createTimerTable(): TimerTable {
  const table = new Map<string, Map<string, NodeJS.Timeout>>();
  const cancel = (id: string, name: string) => {
    const named = table.get(id);
    const timer = named?.get(name);
    if (!named || !timer) return;
    clearTimeout(timer);
    named.delete(name);
    if (named.size === 0) table.delete(id);
  };
  const set = (id: string, name: string, atMs: number, fire: () => void): void => {
    cancel(id, name);
    const delay = Math.max(0, atMs - Date.now());
    const timer = setTimeout(() => {
      cancel(id, name);
      if (delay > MAX_DELAY_MS) set(id, name, atMs, fire);
      else fire();
    }, Math.min(delay, MAX_DELAY_MS));
    timer.unref();
    let named = table.get(id);
    if (!named) table.set(id, (named = new Map()));
    named.set(name, timer);
  };
  return {
    set,
    cancel,
    clear(id) {
      for (const timer of table.get(id)?.values() ?? []) clearTimeout(timer);
      table.delete(id);
    },
    clearAll() {
      for (const named of table.values()) for (const timer of named.values()) clearTimeout(timer);
      table.clear();
    },
  };
}

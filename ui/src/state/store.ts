// A tiny observable value and the hook that re-renders a component when it changes.

import { useEffect, useState } from 'preact/hooks';

export interface Store<T> {
  get(): T;
  set(next: T | ((previous: T) => T)): void;
  /** Merges a partial object into an object value. */
  patch(partial: Partial<T>): void;
  subscribe(listener: (value: T) => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  const set = (next: T | ((previous: T) => T)) => {
    const resolved = typeof next === 'function' ? (next as (previous: T) => T)(value) : next;
    if (Object.is(resolved, value)) return;
    value = resolved;
    for (const listener of [...listeners]) listener(value);
  };
  return {
    get: () => value,
    set,
    patch: (partial) => set((previous) => ({ ...previous, ...partial })),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Reads a store in a component and re-renders on every change. */
export function useStore<T>(store: Store<T>): T {
  const [value, setValue] = useState(store.get());
  useEffect(() => {
    setValue(store.get());
    return store.subscribe((next) => setValue(() => next));
  }, [store]);
  return value;
}

// The disposal stack: clean-up steps run newest first, once, each after the previous settled, failures kept.

import { describe, expect, it } from 'vitest';
import { createDisposalStack } from '../../server/lifecycle/disposal-stack.ts';

describe('createDisposalStack', () => {
  it('runs the steps newest first, each after the previous one settled, and only once', async () => {
    const stack = createDisposalStack();
    const order: string[] = [];
    stack.defer(() => order.push('lock'));
    stack.defer(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      order.push('store');
    });
    stack.defer(() => order.push('listener'));
    const first = stack.dispose();
    expect(stack.dispose()).toBe(first);
    await first;
    await stack.dispose();
    expect(order).toEqual(['listener', 'store', 'lock']);
  });

  it('keeps going after a failing step and rejects with the first failure', async () => {
    const stack = createDisposalStack();
    const order: string[] = [];
    stack.defer(() => order.push('lock'));
    stack.defer(() => {
      throw new Error('store broke');
    });
    stack.defer(() => Promise.reject(new Error('listener broke')));
    await expect(stack.dispose()).rejects.toThrow('listener broke');
    expect(order).toEqual(['lock']);
  });

  it('runs a step registered after dispose() began at once, and dispose() waits for it', async () => {
    const stack = createDisposalStack();
    const order: string[] = [];
    stack.defer(() => {
      order.push('first');
      stack.defer(() => order.push('late'));
    });
    await stack.dispose();
    expect(order).toEqual(['first', 'late']);
    await new Promise<void>((resolve) => stack.defer(() => resolve(void order.push('after'))));
    expect(order).toEqual(['first', 'late', 'after']);
  });
});

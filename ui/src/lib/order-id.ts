// Generates order ids for the new-payment form: readable, sortable by time, unlikely to repeat.

export function generateOrderId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  const random = Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, '0');
  return `ord-${stamp}-${random}`;
}

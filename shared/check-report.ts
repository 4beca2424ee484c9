// The go-live check of a developer's callback handler (`miahook check`, POST /api/check): request and report shapes.

/**
 * pass: the handler did what a safe handler does; fail: it did not (a required case: exit code 1);
 * warn: right answer, but something to fix (too slow); question: the HTTP answer cannot tell, the developer must look;
 * skip: not sent (the payment's amount has no such form, or the handler stopped answering).
 */
export type CheckVerdict = 'pass' | 'fail' | 'warn' | 'question' | 'skip';

export type CheckGroup = 'genuine' | 'tampered' | 'signature' | 'bad-input' | 'common-bugs' | 'downgrade';

/** Body of POST /api/check. */
export interface CheckRequest {
  /** Where the developer's app receives miaPOS callbacks (must pass the replay target rules). */
  handlerUrl: string;
  /** An emulator payment to build callbacks from; default: the newest one whose callbackUrl is handlerUrl. */
  paymentId?: string;
  /** Time limits (for tests and strict CI): warn above warnMs (default 5000), fail at failMs (default and max 60000). */
  timing?: { warnMs?: number; failMs?: number };
}

/** One row of the table. */
export interface CheckCase {
  /** Stable id, e.g. "genuine", "tampered-amount", "amount-one-decimal". */
  id: string;
  group: CheckGroup;
  /** Short label: "Genuine callback (SUCCESS)". */
  name: string;
  /** What was sent, in one line: "amount 12.50 -> 0.01, signature kept". */
  sent: string;
  /** What a safe handler answers: "2xx within 5 s", "4xx". */
  expected: string;
  /** What came back: "HTTP 200 in 14 ms", "timeout after 60000 ms", "not sent". */
  got: string;
  verdict: CheckVerdict;
  /** A failed required case makes the whole check fail. */
  required: boolean;
  /** The mistake this answer points to (fail/warn/question), or why the case was skipped; null on pass. */
  hint: string | null;
  /** HTTP status of the answer, null when none came. */
  status: number | null;
  durationMs: number | null;
  /** The delivery recorded for this request (kind 'check'), null when nothing was sent. */
  deliveryId: string | null;
}

export interface CheckReport {
  handlerUrl: string;
  payment: {
    paymentId: string;
    orderId: string;
    /** Two decimals, as the sign string writes it. */
    amount: string;
    currency: string;
    /** How it was chosen. */
    chosenBy: 'flag' | 'newest-for-handler';
    /** Its callbackUrl on the emulator (may differ from handlerUrl when chosen with --payment). */
    callbackUrl: string | null;
  };
  startedAt: string;
  durationMs: number;
  limits: { warnMs: number; failMs: number };
  cases: CheckCase[];
  counts: Record<CheckVerdict, number>;
  /** True when no case failed (questions and warnings do not fail the check). */
  ok: boolean;
}

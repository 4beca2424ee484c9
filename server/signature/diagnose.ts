// Names the mistake behind a failed signature by re-trying the known wrong ways of building the sign string.

import { buildSignString, type SignStringOptions } from '../../shared/sign-string.ts';
import { getRawField, stringifyRawJson } from '../../shared/raw-json.ts';
import { DOCUMENTED_RESULT_FIELDS } from '../../shared/protocol.ts';
import type { Diagnosis, DiagnosisCause } from '../../shared/verdict.ts';
import type { LabelledKey } from './keys.ts';
import type { ParsedCallback } from './read-callback.ts';
import { verifyString } from './rsa.ts';

interface Variant {
  cause: DiagnosisCause;
  text: string;
  explain: (text: string) => string;
}

/** Tries each known variant under each known key; the first that verifies names the cause. */
export function diagnoseSignature(callback: ParsedCallback, canonical: string, signature: Uint8Array, keys: readonly LabelledKey[]): Diagnosis {
  const [expected, ...others] = keys;
  for (const other of others) {
    if (verifyString(canonical, signature, other)) {
      return {
        cause: 'other-key',
        message: `The callback was signed by the ${other.label} key (${other.fingerprint.slice(0, 16)}…), not the ${expected!.label} key it was checked against. Each environment has its own key pair: verify with the key of the environment that sent the callback.`,
        signedString: canonical,
        keyLabel: other.label,
      };
    }
  }
  for (const variant of listVariants(callback, canonical)) {
    for (const key of keys) {
      if (!verifyString(variant.text, signature, key)) continue;
      const keyNote = key === expected ? '' : ` (and with the ${key.label} key, not the ${expected!.label} one)`;
      return { cause: variant.cause, message: variant.explain(variant.text) + keyNote, signedString: variant.text, keyLabel: key.label };
    }
  }
  return {
    cause: 'tampered-or-unknown-key',
    message: 'No known mistake explains it: the payload was changed after it was signed, or it was signed by a key this tool does not know. Check that you use the public key of the environment that sent the callback, and that nothing rewrites the body on its way.',
  };
}

function listVariants(callback: ParsedCallback, canonical: string): Variant[] {
  const build = (options: SignStringOptions) => buildSignString(callback.result, options);
  const amount = getRawField(callback.result, 'amount');
  const amountText = amount?.kind === 'number' ? amount.raw : undefined;
  const candidates: Variant[] = [
    {
      cause: 'amount-as-written',
      text: build({ amount: 'as-written' }),
      explain: () => `The signer wrote amount as "${amountText}" instead of with exactly two decimals. miaPOS signs amount as e.g. 1775.00 and 12.50.`,
    },
    {
      cause: 'amount-through-float',
      text: build({ amount: 'float' }),
      explain: () => `The signer read amount "${amountText}" through a floating-point number and lost digits. Format it from the JSON text, not from a double.`,
    },
    {
      cause: 'received-order',
      text: build({ order: 'received' }),
      explain: () => 'The signer joined the values in the order the keys arrived, not sorted by key (code-point order, A-Z before a-z).',
    },
    {
      cause: 'received-order',
      text: build({ order: 'received', amount: 'as-written' }),
      explain: () => 'The signer kept the keys in received order and did not format amount with two decimals.',
    },
    {
      cause: 'nulls-kept',
      text: build({ nulls: 'as-null' }),
      explain: () => 'The signer kept null fields as the text "null". miaPOS leaves null fields out of the string.',
    },
    {
      cause: 'nulls-kept',
      text: build({ nulls: 'as-empty' }),
      explain: () => 'The signer kept null fields as empty values. miaPOS leaves null fields out of the string.',
    },
    {
      cause: 'field-list',
      text: build({ onlyKeys: DOCUMENTED_RESULT_FIELDS }),
      explain: () => `The signer used a fixed list of fields and skipped ${listExtraKeys(callback).join(', ')}. Every field of result is signed, including ones miaPOS adds later.`,
    },
    {
      cause: 'raw-body',
      text: callback.text,
      explain: () => 'The signer signed the raw request body. miaPOS signs the canonical string of result, not the body.',
    },
    {
      cause: 'raw-body',
      text: stringifyRawJson(callback.result),
      explain: () => 'The signer signed the JSON text of result. miaPOS signs the sorted values joined by ";", not JSON.',
    },
  ];
  const seen = new Set([canonical]);
  return candidates.filter((variant) => {
    if (seen.has(variant.text)) return false;
    seen.add(variant.text);
    return true;
  });
}

function listExtraKeys(callback: ParsedCallback): string[] {
  return callback.result.entries
    .map(([key]) => key)
    .filter((key) => !(DOCUMENTED_RESULT_FIELDS as readonly string[]).includes(key));
}

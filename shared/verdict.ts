// The result of checking a callback's signature, as stored, sent to the UI and printed by the CLI.

import type { SignField } from './sign-string.ts';

export type VerdictKind = 'valid' | 'invalid' | 'unverifiable';

/** A known way of building the sign string wrongly, or another cause of a failed signature. */
export type DiagnosisCause =
  | 'other-key'
  | 'amount-as-written'
  | 'amount-through-float'
  | 'received-order'
  | 'nulls-kept'
  | 'field-list'
  | 'raw-body'
  | 'tampered-or-unknown-key';

export interface Diagnosis {
  cause: DiagnosisCause;
  /** Plain words for the developer: what the signer did and what to do. */
  message: string;
  /** The string the signature was actually made over, when a variant matched. */
  signedString?: string;
  /** The key that verified the variant, when it is not the expected one. */
  keyLabel?: string;
}

export interface KeyInfo {
  /** Where the key comes from: "emulator", "sandbox https://ecomm-test.miapos.md", a file name. */
  label: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex. */
  fingerprint: string;
}

export interface Verdict {
  verdict: VerdictKind;
  /** One sentence saying why. */
  reason: string;
  /** The canonical string the signature must cover, when the body let us build it. */
  canonical: string | null;
  /** The canonical string's values labelled by their keys, in order. */
  fields: SignField[];
  /** The key the signature was checked against. */
  key: KeyInfo | null;
  diagnosis: Diagnosis | null;
}

/** A verdict as stored with a capture: the canonical string and fields are derived from the body again when it is opened. */
export type StoredVerdict = Omit<Verdict, 'canonical' | 'fields'>;

// The miaPOS backend miahook registers payments with: the built-in emulator (default) or the real sandbox.
// Both are reached through the same HTTP client; only the base URL, credentials and verifying key differ.

import type { Config } from '../config/resolve-config.ts';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../emulator/index.ts';
import { createMiaposClient, type MiaposClient } from '../miapos/miapos-client.ts';
import { createPublicKeyCache } from '../miapos/public-key-cache.ts';
import type { PaymentDefaults } from '../payments/payment-service.ts';
import { readPublicKey, type LabelledKey } from '../signature/keys.ts';
import { readEmulatorOptions } from './start-emulator-only.ts';

export interface Backend {
  mode: 'emulator' | 'sandbox';
  /** The emulator runs in both modes: the developer's own app may use it. */
  emulator: EmulatorHandle;
  emulatorKey: LabelledKey;
  client: MiaposClient;
  defaults: PaymentDefaults;
  /** Verifying keys: the backend's first, the other known one after it (for "signed by the other key" diagnoses). */
  listKeys(): LabelledKey[];
  /** Sandbox only: fetch the key again after a failed signature. */
  refreshKeys?: () => Promise<boolean>;
  /** Emulator mode only: re-signs edited replays and forces outcomes. */
  signText?: (text: string) => string;
}

export async function startBackend(config: Config, emulatorHooks: Pick<EmulatorOptions, 'onDeliveryStart' | 'onDelivery' | 'defaultCallbackUrl'>, log: (line: string) => void, keyRefetchIntervalMs?: number): Promise<Backend> {
  const emulator = await startEmulator({ ...readEmulatorOptions(config, log), ...emulatorHooks });
  try {
    const emulatorKey = readPublicKey(emulator.publicKeyBase64, 'emulator');
    if (!config.sandbox) {
      const { credentials } = emulator;
      return {
        mode: 'emulator',
        emulator,
        emulatorKey,
        client: createMiaposClient({ baseUrl: emulator.url, merchantId: credentials.merchantId, secretKey: credentials.secretKey }),
        defaults: { terminalId: credentials.terminalId, rtpTerminalId: credentials.rtpTerminalId, language: 'ro', paymentType: 'qr' },
        listKeys: () => [emulatorKey],
        signText: (text) => emulator.signText(text),
      };
    }
    const sandbox = config.sandbox;
    const client = createMiaposClient({ baseUrl: sandbox.baseUrl, merchantId: sandbox.merchantId, secretKey: sandbox.secretKey });
    const keys = createPublicKeyCache({ client, dataDir: config.dataDir, label: `sandbox ${sandbox.baseUrl}`, minIntervalMs: keyRefetchIntervalMs, log });
    try {
      await keys.load();
    } catch (error) {
      log(`could not get the sandbox public key yet (${(error as Error).message}); callbacks stay unverifiable until it arrives.`);
    }
    return {
      mode: 'sandbox',
      emulator,
      emulatorKey,
      client,
      defaults: { terminalId: sandbox.terminalId, language: sandbox.language, paymentType: sandbox.paymentType },
      listKeys: () => {
        const key = keys.current();
        return key ? [key, emulatorKey] : [];
      },
      refreshKeys: () => keys.refetch(),
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

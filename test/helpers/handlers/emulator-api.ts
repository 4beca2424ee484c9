// Test helper: talks to the miaPOS emulator over HTTP the way a merchant's app does (token, pay, public key).

export interface MerchantCredentials {
  merchantId: string;
  secretKey: string;
  terminalId: string;
}

export async function fetchAccessToken(baseUrl: string, credentials: MerchantCredentials): Promise<string> {
  const response = await fetch(`${baseUrl}/ecomm/api/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ merchantId: credentials.merchantId, secretKey: credentials.secretKey }),
  });
  if (response.status !== 200) throw new Error(`token request answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** GET /ecomm/api/v1/public-key: base64 DER SPKI. */
export async function fetchPublicKey(baseUrl: string, credentials: MerchantCredentials): Promise<string> {
  const token = await fetchAccessToken(baseUrl, credentials);
  const response = await fetch(`${baseUrl}/ecomm/api/v1/public-key`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`public-key request answered ${response.status}`);
  return ((await response.json()) as { publicKey: string }).publicKey;
}

/** POST /ecomm/api/v1/pay, as a checkout does; returns the paymentId. */
export async function createPayment(baseUrl: string, credentials: MerchantCredentials, payment: { amount: number; orderId: string; callbackUrl: string }): Promise<string> {
  const token = await fetchAccessToken(baseUrl, credentials);
  const response = await fetch(`${baseUrl}/ecomm/api/v1/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ terminalId: credentials.terminalId, currency: 'MDL', payDescription: `Order ${payment.orderId}`, ...payment }),
  });
  if (response.status !== 200) throw new Error(`pay answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { paymentId: string }).paymentId;
}

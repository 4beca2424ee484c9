import { afterEach, describe, expect, it } from 'vitest';
import { createMiaposClient } from '../../server/miapos/miapos-client.ts';
import { MiaposError } from '../../server/miapos/miapos-error.ts';
import { startFakeMiapos, type FakeMiapos } from '../helpers/fake-miapos.ts';

let fake: FakeMiapos;
afterEach(() => fake?.close());

const payment = { terminalId: 'T', orderId: 'o', amount: 1, currency: 'MDL', payDescription: 'd' };

describe('miaPOS client', () => {
  it('caches the access token and renews it by refresh 30 s before expiry', async () => {
    fake = await startFakeMiapos({ accessTokenSeconds: 300 });
    let now = 1_000_000;
    const client = createMiaposClient({ baseUrl: fake.url, merchantId: 'm', secretKey: 's', now: () => now });
    await client.createPayment(payment);
    await client.createPayment(payment);
    expect(fake.calls.filter((call) => call.includes('/token'))).toEqual(['POST /ecomm/api/v1/token']);
    now += 271_000;
    await client.createPayment(payment);
    expect(fake.calls.filter((call) => call.includes('/token'))).toEqual(['POST /ecomm/api/v1/token', 'POST /ecomm/api/v1/token/refresh']);
    expect(fake.calls.at(-1)).toBe('POST /ecomm/api/v1/pay Bearer access-2');
  });

  it('asks for a new token when the refresh is refused', async () => {
    fake = await startFakeMiapos({ accessTokenSeconds: 10 });
    const client = createMiaposClient({ baseUrl: fake.url, merchantId: 'm', secretKey: 's' });
    await client.createPayment(payment);
    fake.script('/ecomm/api/v1/token/refresh', (_req, res) => res.writeHead(401).end());
    await client.createPayment(payment);
    expect(fake.calls.filter((call) => call.includes('/token'))).toEqual(['POST /ecomm/api/v1/token', 'POST /ecomm/api/v1/token/refresh', 'POST /ecomm/api/v1/token']);
  });

  it('answers one 401 with one fresh token and one retry, and gives up after that', async () => {
    fake = await startFakeMiapos();
    const client = createMiaposClient({ baseUrl: fake.url, merchantId: 'm', secretKey: 's' });
    fake.script('/ecomm/api/v1/pay', (_req, res) => res.writeHead(401).end());
    await expect(client.createPayment(payment)).resolves.toMatchObject({ paymentId: 'p-1' });
    fake.script('/ecomm/api/v1/pay', (_req, res) => res.writeHead(401).end());
    fake.script('/ecomm/api/v1/pay', (_req, res) => res.writeHead(401).end());
    const error = await client.createPayment(payment).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MiaposError);
    expect((error as MiaposError).status).toBe(401);
  });

  it.each([
    ['observed', 400, { errorCode: '1', errorMessage: 'Pos terminal with id: [X] not found' }, 'Pos terminal with id: [X] not found', '1'],
    ['OpenAPI', 500, { errorCode: 'E42' }, 'E42', 'E42'],
    ['documented', 400, { error: { code: 'INVALID_AMOUNT', message: 'amount must be > 0', requestId: 'r' } }, 'amount must be > 0', 'INVALID_AMOUNT'],
    ['not JSON', 502, 'Bad Gateway', 'Bad Gateway', 'HTTP_502'],
  ])('reads the %s error shape into one error with the server message', async (_name, status, body, message, code) => {
    fake = await startFakeMiapos();
    const client = createMiaposClient({ baseUrl: fake.url, merchantId: 'm', secretKey: 's' });
    fake.script('/ecomm/api/v1/pay', (_req, res) => res.writeHead(status).end(typeof body === 'string' ? body : JSON.stringify(body)));
    const error = (await client.createPayment(payment).catch((caught: unknown) => caught)) as MiaposError;
    expect(error).toBeInstanceOf(MiaposError);
    expect(error.message).toContain(message);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it('times out a silent server and says so', async () => {
    fake = await startFakeMiapos();
    fake.script('/ecomm/api/v1/token', () => {});
    const client = createMiaposClient({ baseUrl: fake.url, merchantId: 'm', secretKey: 's', timeoutMs: 200 });
    const error = (await client.createPayment(payment).catch((caught: unknown) => caught)) as MiaposError;
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/no answer within 200 ms/);
  });

  it('never puts the secret key or tokens in its error messages', async () => {
    fake = await startFakeMiapos();
    fake.script('/ecomm/api/v1/token', (_req, res) => res.writeHead(401).end());
    const client = createMiaposClient({ baseUrl: fake.url, merchantId: 'm', secretKey: 'planted-secret-123' });
    const error = (await client.createPayment(payment).catch((caught: unknown) => caught)) as MiaposError;
    expect(error.message).not.toContain('planted-secret-123');
    expect(error.message).toMatch(/HTTP 401/);
  });
});

describe('secrets in server messages', () => {
  it('hides the secret key when the server quotes it back in an error', async () => {
    fake = await startFakeMiapos();
    fake.script('/ecomm/api/v1/token', (_req, res) => res.writeHead(400).end(JSON.stringify({ errorCode: '1', errorMessage: "Field 'secretKey' with value 'planted-secret-456' failed validation" })));
    const client = createMiaposClient({ baseUrl: fake.url, merchantId: 'm', secretKey: 'planted-secret-456' });
    const error = (await client.createPayment(payment).catch((caught: unknown) => caught)) as MiaposError;
    expect(error.message).toBe("miaPOS token request failed (HTTP 400): Field 'secretKey' with value '[hidden]' failed validation");
  });
});

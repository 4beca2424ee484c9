// Byte-exact capture keeps every header: more than Node's default 1,000 are all stored; past the header size
// limit the request gets 431 and nothing is captured (never a silent partial capture).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListResponse } from '../../shared/api.ts';
import { sendRaw } from '../helpers/raw-http.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';

let app: TestInstance;
beforeAll(async () => {
  app = await startTestInstance();
});
afterAll(async () => {
  await app.close();
});

function requestWithHeaders(count: number, width: number): string {
  const body = '{"many":"headers"}';
  const lines = Array.from({ length: count }, (_, i) => `h${String(i).padStart(width, '0')}: ${i}`);
  return `POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${lines.join('\r\n')}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}

describe('ingress headers', () => {
  it('captures all 1,500 headers of a request, in order', async () => {
    const port = Number(new URL(app.ingressUrl).port);
    const answer = await sendRaw(port, requestWithHeaders(1500, 4));
    expect(answer.status).toBe(200);
    const { id } = JSON.parse(answer.body.toString()) as { id: string };
    const capture = (await (await app.api(`/api/captures/${id}`)).json()) as CaptureDetail;
    const numbered = capture.headers.filter(([name]) => /^h\d{4}$/.test(name));
    expect(numbered).toHaveLength(1500);
    expect(numbered.at(-1)).toEqual(['h1499', '1499']);
    expect(capture.headers.at(-2)).toEqual(['Content-Length', '18']);
  });

  it('answers 431 past the header size limit and captures nothing', async () => {
    const before = ((await (await app.api('/api/captures')).json()) as CaptureListResponse).total;
    const port = Number(new URL(app.ingressUrl).port);
    const answer = await sendRaw(port, requestWithHeaders(3000, 6));
    expect(answer.status).toBe(431);
    expect(((await (await app.api('/api/captures')).json()) as CaptureListResponse).total).toBe(before);
  });
});

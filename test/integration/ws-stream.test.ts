import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { connectStream, isType } from '../helpers/ws-client.ts';

let app: TestInstance;

beforeAll(async () => {
  app = await startTestInstance();
});
afterAll(() => app.close());

const post = (body: string, channel = '') => fetch(`${app.callbackUrl}${channel}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('live stream', () => {
  it('says hello, then streams each new capture with its verdict', async () => {
    const client = await connectStream(app.inspectorUrl, app.token);
    const hello = await client.next(isType('hello'));
    expect(hello.readOnly).toBe(false);
    const answer = (await (await post('{"hello":1}', '/alice')).json()) as { id: string };
    const event = await client.next(isType('capture'));
    expect(event.capture.id).toBe(answer.id);
    expect(event.capture.channel).toBe('alice');
    expect(event.capture.verification.verdict).toBe('unverifiable');
    expect(event.eventId).toBeGreaterThan(hello.lastEventId);
    expect(JSON.stringify(event)).not.toContain('bodyBase64');
    await client.close();
  });

  it('catches a reconnecting client up on what it missed', async () => {
    const first = await connectStream(app.inspectorUrl, app.token);
    const hello = await first.next(isType('hello'));
    await post('{"n":1}');
    const seen = await first.next(isType('capture'));
    await first.close();
    const missed = [];
    for (let i = 2; i <= 4; i++) missed.push(((await (await post(`{"n":${i}}`)).json()) as { id: string }).id);
    const second = await connectStream(app.inspectorUrl, app.token, `?instanceId=${hello.instanceId}&lastEventId=${seen.eventId}`);
    const caughtUp = [await second.next(isType('capture')), await second.next(isType('capture')), await second.next(isType('capture'))];
    expect(caughtUp.map((event) => event.capture.id)).toEqual(missed);
    await second.close();
  });

  it('catches up through a resume message too, and asks a client of another instance to resync', async () => {
    const client = await connectStream(app.inspectorUrl, app.token);
    const hello = await client.next(isType('hello'));
    const posted = ((await (await post('{"resume":1}')).json()) as { id: string }).id;
    const live = await client.next(isType('capture'));
    expect(live.capture.id).toBe(posted);
    client.send({ type: 'resume', instanceId: hello.instanceId, lastEventId: live.eventId - 1 });
    const replayed = await client.next(isType('capture'));
    expect([replayed.eventId, replayed.capture.id]).toEqual([live.eventId, posted]);
    client.send({ type: 'resume', instanceId: 'an-old-instance', lastEventId: 3 });
    const resync = await client.next(isType('resync'));
    expect(resync.reason).toMatch(/restarted/);
    await client.close();
  });

  it('cuts a client that sends an oversized frame, and keeps serving', async () => {
    const client = await connectStream(app.inspectorUrl, app.token);
    await client.next(isType('hello'));
    client.send({ type: 'resume', pad: 'x'.repeat(10_000) });
    expect(await client.closed).toBe(1009);
    const other = await connectStream(app.inspectorUrl, app.token);
    await other.next(isType('hello'));
    await post('{"after":"oversize"}');
    await expect(other.next(isType('capture'))).resolves.toBeTruthy();
    await other.close();
    await client.close();
  });
});

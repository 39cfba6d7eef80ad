import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphRequestError, createGraphClient } from '../../src/server/whatsapp/graph-client.ts';
import { NUMBER, VERSION, startHarness } from './helpers.ts';
import type { Harness } from './helpers.ts';

/**
 * The WABA edges Tsunagi uses to check number ownership and to subscribe to webhooks, through Tsunagi's own
 * Graph client over real HTTP: `GET /{pnid}` (token reaches the number), `GET /{waba}/phone_numbers` (the
 * number belongs to the account) and `GET/POST/DELETE /{waba}/subscribed_apps`.
 */
let h: Harness;
let graph: ReturnType<typeof createGraphClient>;
const OTHER = {
  phoneNumberId: '106540352200002',
  displayPhoneNumber: '+1 555-000-0002',
  wabaId: '102290129300002',
  accessToken: 'token-other',
};

beforeAll(async () => {
  h = await startHarness();
  h.server.sim.registerNumber(OTHER);
  h.server.sim.registerNumber({
    ...NUMBER,
    phoneNumberId: '106540352200003',
    displayPhoneNumber: '+1 555-3',
  });
  graph = createGraphClient({ baseUrl: h.server.url, version: VERSION });
});
afterAll(async () => h?.close());

async function graphError(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphRequestError);
  return (err as GraphRequestError).error;
}

describe('WABA edges', () => {
  it('reads a number with its own token; a wrong token is 190, another business’s number 100/33', async () => {
    const info = await graph.getPhoneNumber(NUMBER);
    expect(info).toMatchObject({ id: NUMBER.phoneNumberId, display_phone_number: NUMBER.displayPhoneNumber });
    expect(await graphError(graph.getPhoneNumber({ ...NUMBER, accessToken: 'forged' }))).toMatchObject({
      code: 190,
      httpStatus: 401,
    });
    expect(
      await graphError(
        graph.getPhoneNumber({ phoneNumberId: OTHER.phoneNumberId, accessToken: NUMBER.accessToken }),
      ),
    ).toMatchObject({ code: 100, httpStatus: 400 });
  });

  it('lists the numbers of a WABA, paged; another account’s WABA is refused', async () => {
    expect(await graph.listWabaPhoneNumberIds(NUMBER.wabaId, NUMBER.accessToken)).toEqual([
      '106540352200003',
      NUMBER.phoneNumberId,
    ]);
    const page = await h.graph(
      'GET',
      `/${VERSION}/${NUMBER.wabaId}/phone_numbers?limit=1&fields=display_phone_number`,
    );
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      data: [{ id: '106540352200003', display_phone_number: '+1 555-3' }],
      paging: { next: expect.stringContaining('after=') },
    });
    expect(await graphError(graph.listWabaPhoneNumberIds(OTHER.wabaId, NUMBER.accessToken))).toMatchObject({
      code: 100,
    });
  });

  it('subscribes the app to a WABA, lists and removes the subscription', async () => {
    expect(await graph.listSubscribedApps(NUMBER.wabaId, NUMBER.accessToken)).toEqual([]);
    await graph.subscribeApp(NUMBER.wabaId, NUMBER.accessToken);
    await graph.subscribeApp(NUMBER.wabaId, NUMBER.accessToken); // idempotent, as on Meta
    const apps = await graph.listSubscribedApps(NUMBER.wabaId, NUMBER.accessToken);
    expect(apps).toEqual([
      {
        whatsapp_business_api_data: {
          id: expect.any(String),
          name: expect.any(String),
          link: expect.any(String),
        },
      },
    ]);
    expect(await graph.listSubscribedApps(OTHER.wabaId, OTHER.accessToken)).toEqual([]);
    expect(await graphError(graph.subscribeApp(OTHER.wabaId, NUMBER.accessToken))).toMatchObject({
      code: 100,
    });
    expect(await graphError(graph.subscribeApp(NUMBER.wabaId, 'forged'))).toMatchObject({ code: 190 });
    const override = await h.graph('POST', `/${VERSION}/${NUMBER.wabaId}/subscribed_apps`, {
      override_callback_uri: 'https://elsewhere.example/hook',
      verify_token: 'x',
    });
    expect(override.status).toBe(400);
    const removed = await h.graph('DELETE', `/${VERSION}/${NUMBER.wabaId}/subscribed_apps`);
    expect(removed.body).toEqual({ success: true });
    expect(await graph.listSubscribedApps(NUMBER.wabaId, NUMBER.accessToken)).toEqual([]);
  });
});

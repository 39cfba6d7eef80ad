import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhatsAppAPI } from 'whatsapp-api-js';
import {
  ActionButtons,
  ActionCTA,
  ActionList,
  Body,
  BodyComponent,
  BodyParameter,
  Button,
  Footer,
  Header,
  Image,
  Interactive,
  Language,
  ListSection,
  Row,
  Template,
  Text,
} from 'whatsapp-api-js/messages';
import { APP_SECRET, CUSTOMER, NUMBER, VERSION, startHarness } from './helpers.ts';
import type { Harness } from './helpers.ts';

/**
 * A Cloud API client written by others (whatsapp-api-js v5) against the simulator: its sends must be accepted,
 * its error handling must see our Graph error bodies, and its webhook handler must verify our signatures.
 * The library hardcodes https://graph.facebook.com, so its `ponyfill.fetch` rewrites the host.
 */
let h: Harness;
let api: WhatsAppAPI;
const pnid = NUMBER.phoneNumberId;

type Response = {
  messages?: { id: string; message_status?: string }[];
  error?: { code: number; error_data?: { details: string } };
};

beforeAll(async () => {
  h = await startHarness();
  api = new WhatsAppAPI({
    token: NUMBER.accessToken,
    appSecret: APP_SECRET,
    v: VERSION,
    ponyfill: {
      fetch: (input: string | URL | Request, init?: RequestInit) =>
        fetch(
          String(input instanceof Request ? input.url : input).replace(
            'https://graph.facebook.com',
            h.server.url,
          ),
          init,
        ),
    },
  });
  const r = await h.control('POST', '/templates', {
    wabaId: NUMBER.wabaId,
    name: 'order_ready',
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is ready.' }],
  });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  await h.inbound();
});
afterAll(async () => {
  await h.close();
});

const accepted = (r: unknown) => {
  const res = r as Response;
  expect(res.error).toBeUndefined();
  expect(res.messages?.[0]?.id).toMatch(/^wamid\./);
  return res;
};

describe('whatsapp-api-js against the simulator', () => {
  it('sends text, replies and tracks biz_opaque_callback_data', async () => {
    accepted(await api.sendMessage(pnid, CUSTOMER, new Text('Hello from whatsapp-api-js', true)));
    const first = h.server.sim.sent()[0]?.wamid;
    accepted(await api.sendMessage(pnid, CUSTOMER, new Text('a reply'), first, 'tracker-7'));
    expect(h.server.sim.sent().at(-1)?.body).toMatchObject({
      context: { message_id: first },
      biz_opaque_callback_data: 'tracker-7',
    });
  });

  it('sends images by link and by uploaded id, and reads the media back', async () => {
    accepted(await api.sendMessage(pnid, CUSTOMER, new Image('https://example.com/cat.jpg', false, 'a cat')));
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9])], { type: 'image/jpeg' }));
    const uploaded = (await api.uploadMedia(pnid, form)) as { id: string };
    expect(uploaded.id).toMatch(/^\d+$/);
    accepted(await api.sendMessage(pnid, CUSTOMER, new Image(uploaded.id, true, 'uploaded')));
    const info = (await api.retrieveMedia(uploaded.id, pnid)) as { url: string; mime_type: string };
    expect(info.mime_type).toBe('image/jpeg');
    const file = await api.fetchMedia(info.url);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9]));
  });

  it('sends hello_world and a template with body parameters', async () => {
    const hello = accepted(
      await api.sendMessage(pnid, CUSTOMER, new Template('hello_world', new Language('en_US'))),
    );
    expect(hello.messages?.[0]?.message_status).toBe('accepted');
    const withParams = new Template(
      'order_ready',
      'en_US',
      new BodyComponent(new BodyParameter('Hanako'), new BodyParameter('A-100')),
    );
    accepted(await api.sendMessage(pnid, CUSTOMER, withParams));
  });

  it('sends interactive buttons, list and cta_url', async () => {
    const buttons = new Interactive(
      new ActionButtons(new Button('yes', 'Yes'), new Button('no', 'No')),
      new Body('Confirm your booking?'),
      new Header('Booking'),
      new Footer('Tsunagi'),
    );
    accepted(await api.sendMessage(pnid, CUSTOMER, buttons));
    const list = new Interactive(
      new ActionList(
        'Options',
        new ListSection('Shipping', new Row('express', 'Express', 'Next day'), new Row('std', 'Standard')),
      ),
      new Body('How should we ship?'),
    );
    accepted(await api.sendMessage(pnid, CUSTOMER, list));
    accepted(
      await api.sendMessage(
        pnid,
        CUSTOMER,
        new Interactive(
          new ActionCTA('See dates', 'https://example.com/dates'),
          new Body('New dates are out'),
        ),
      ),
    );
  });

  it('surfaces the simulator Graph error body', async () => {
    const r = (await api.sendMessage(pnid, CUSTOMER, new Template('no_such_template', 'en_US'))) as Response;
    expect(r.error).toMatchObject({
      code: 132001,
      error_data: { details: 'template name (no_such_template) does not exist in en_US' },
    });
  });

  it('marks messages read and verifies the simulator webhook signatures in its own handler', async () => {
    const received: { from: string; name?: string; body: unknown }[] = [];
    api.on.message = ({ from, name, message }) => {
      received.push({
        from,
        ...(name ? { name } : {}),
        body: message.type === 'text' ? message.text.body : message.type,
      });
    };
    await h.inbound(CUSTOMER, 'おはよう 🌅', '佐藤');
    await h.server.sim.flush();
    const hit = h.receiver.hits.at(-1);
    if (!hit?.signature) throw new Error('no webhook');
    await api.post(JSON.parse(hit.raw), hit.raw, hit.signature);
    expect(received).toEqual([{ from: CUSTOMER, name: '佐藤', body: 'おはよう 🌅' }]);
    const wamid = (hit.json.entry[0]?.changes[0]?.value.messages as { id: string }[])[0]?.id as string;
    expect(await api.markAsRead(pnid, wamid, 'text')).toEqual({ success: true });
  });
});

import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER, NUMBER, VERSION, startHarness, statusesOf } from './helpers.ts';
import type { Harness } from './helpers.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);

async function upload(
  bytes: Buffer,
  type: string,
  token = NUMBER.accessToken,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), 'photo.jpg');
  const res = await fetch(`${h.server.url}/${VERSION}/${NUMBER.phoneNumberId}/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const auth = { authorization: `Bearer ${NUMBER.accessToken}` };

describe('media API', () => {
  it('uploads, describes, downloads with bearer and deletes', async () => {
    const up = await upload(JPEG, 'image/jpeg');
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ id: expect.stringMatching(/^\d{15,17}$/) });
    const id = up.body.id as string;

    const info = await h.graph('GET', `/${VERSION}/${id}`);
    expect(info.body).toEqual({
      messaging_product: 'whatsapp',
      url: expect.stringContaining(`${h.server.url}/whatsapp_business/attachments/?mid=${id}`),
      mime_type: 'image/jpeg',
      sha256: createHash('sha256').update(JPEG).digest('base64'),
      file_size: JPEG.length,
      id,
    });
    const url = info.body.url as string;

    const ok = await fetch(url, { headers: auth });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(JPEG);

    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 190 } });
    expect((await fetch(url.replace(/hash=[^&]+/, 'hash=forged'), { headers: auth })).status).toBe(404);

    expect((await h.graph('GET', `/${VERSION}/${id}?phone_number_id=123`)).status).toBe(400);
    expect((await h.graph('DELETE', `/${VERSION}/${id}`)).body).toEqual({ success: true });
    expect((await fetch(url, { headers: auth })).status).toBe(404);
    expect((await h.graph('GET', `/${VERSION}/${id}`)).body).toMatchObject({
      error: { code: 100, error_subcode: 33 },
    });
  });

  it('expires download URLs after 5 minutes', async () => {
    const id = (await upload(JPEG, 'image/jpeg')).body.id as string;
    const url = (await h.graph('GET', `/${VERSION}/${id}`)).body.url as string;
    h.clock.advance(5 * 60 * 1000 + 1000);
    expect((await fetch(url, { headers: auth })).status).toBe(404);
    const fresh = (await h.graph('GET', `/${VERSION}/${id}`)).body.url as string;
    expect((await fetch(fresh, { headers: auth })).status).toBe(200);
  });

  it('rejects unsupported MIME types synchronously with (#100) Param file must be …', async () => {
    const r = await upload(Buffer.from('x'), 'application/octet-stream');
    expect(r.status).toBe(400);
    expect((r.body.error as { message: string }).message).toMatch(
      /^\(#100\) Param file must be a file with one of the following types: .*image\/jpeg.*Received file of type 'application\/octet-stream'\.$/,
    );
    expect((await upload(JPEG, 'image/jpeg', 'bad-token')).status).toBe(401);
  });

  it('sends uploaded media by id; wrong kind or unknown ids fail with 131053', async () => {
    await h.inbound();
    h.receiver.hits.length = 0;
    const jpeg = (await upload(JPEG, 'image/jpeg')).body.id as string;
    const webp = (await upload(Buffer.from('RIFF'), 'image/webp')).body.id as string;
    const send = (image: Record<string, unknown>) =>
      h.send({ messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image });
    const ids = [jpeg, webp, '123456789012345'];
    const wamids: string[] = [];
    for (const id of ids) {
      const r = await send({ id });
      expect(r.status).toBe(200);
      wamids.push((r.body.messages as { id: string }[])[0]?.id as string);
    }
    await h.server.sim.flush();
    const byId = (w: string) => statusesOf(h.receiver.hits).find((s) => s.id === w);
    expect(byId(wamids[0] as string)?.status).toBe('sent');
    expect(byId(wamids[1] as string)).toMatchObject({
      status: 'failed',
      errors: [{ code: 131053, error_data: { details: expect.stringContaining('image/webp') } }],
    });
    expect(byId(wamids[2] as string)).toMatchObject({ status: 'failed', errors: [{ code: 131053 }] });
  });

  it('stores inbound media from the control API so the business can download it', async () => {
    const pdf = Buffer.from('%PDF-1.4 test');
    const r = await h.control('POST', '/inbound', {
      phoneNumberId: NUMBER.phoneNumberId,
      from: CUSTOMER,
      name: 'Hanako',
      message: { type: 'document', document: { caption: 'receipt' } },
      media: { base64: pdf.toString('base64'), mimeType: 'application/pdf', filename: 'receipt.pdf' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ wamid: expect.stringMatching(/^wamid\./), timestamp: '1767571200' });
    await h.server.sim.flush();
    const doc = h.receiver.hits[0]?.json.entry[0]?.changes[0]?.value.messages as {
      document: Record<string, string>;
    }[];
    expect(doc[0]?.document).toEqual({
      caption: 'receipt',
      filename: 'receipt.pdf',
      mime_type: 'application/pdf',
      sha256: createHash('sha256').update(pdf).digest('base64'),
      id: expect.any(String),
    });
    const info = await h.graph('GET', `/${VERSION}/${doc[0]?.document.id}`);
    const file = await fetch(info.body.url as string, { headers: auth });
    expect(Buffer.from(await file.arrayBuffer())).toEqual(pdf);

    const missing = await h.control('POST', '/inbound', {
      phoneNumberId: NUMBER.phoneNumberId,
      from: CUSTOMER,
      message: { type: 'image', image: {} },
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

import { createHmac, randomBytes } from 'node:crypto';
import { stringifyAsciiJson } from '../../src/lib/json.ts';
import type { PreparedRequest } from './http.ts';

/** The business number the webhooks are addressed to (registered in Tsunagi first, so nothing dead-letters). */
export interface BusinessNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
}

/** What customers write: short, realistic Japanese customer-service messages (mixed kana, kanji, ASCII). */
const TEXTS = [
  'こんにちは！注文した商品がまだ届いていません。確認していただけますか？',
  '予約を明日の15時に変更したいです。空いていますか？',
  'ありがとうございます。とても助かりました😊',
  '返品の手続きはどうすればいいですか？レシートはあります。',
  '営業時間を教えてください。土曜日も開いていますか？',
  'サイズMの在庫はありますか？色は紺色がいいです。',
  '先ほどの件、了解しました。よろしくお願いします。',
  'クーポンコードが使えないのですが、期限切れでしょうか？',
];
const NAMES = [
  '山田 太郎',
  '佐藤 花子',
  '鈴木 一郎',
  '高橋 美咲',
  '田中 健',
  '伊藤 さくら',
  '渡辺 翔',
  '中村 優子',
];

/** A customer's wa_id: Japanese mobile numbers 81 90 xxxx xxxx, `index` picks one of `customers` distinct ones. */
export function customerWaId(index: number): string {
  return `8190${String(10_000_000 + index).slice(-8)}`;
}

/** One inbound text message object of the Cloud API webhook (reference §3.5). */
function textMessage(waId: string, seq: number, runTag: string, nowSeconds: number) {
  return {
    from: waId,
    // Unique per message and per run: a real wamid is base64 of an opaque id, so is this.
    id: `wamid.${Buffer.from(`${runTag}:${seq}`).toString('base64')}`,
    timestamp: String(nowSeconds),
    type: 'text',
    text: { body: `${TEXTS[seq % TEXTS.length] as string}（#${seq}）` },
  };
}

/**
 * Builds `count` signed webhook POSTs, each carrying `perPost` text messages from customers cycling through
 * `customers` distinct numbers. The envelope is reference §3.2, serialised with Meta's ASCII escaping and signed
 * over the exact bytes (§3.3). Bodies are built before the timed phase.
 */
export function signedTextWebhooks(opts: {
  number: BusinessNumber;
  appSecret: string;
  count: number;
  perPost?: number;
  customers: number;
  /** Offset so that phases of one run never reuse a wamid. */
  firstSeq: number;
}): PreparedRequest[] {
  const perPost = opts.perPost ?? 1;
  const runTag = randomBytes(6).toString('hex');
  const now = Math.floor(Date.now() / 1000);
  const requests: PreparedRequest[] = [];
  for (let i = 0; i < opts.count; i++) {
    const contacts: Array<{ profile: { name: string }; wa_id: string }> = [];
    const messages = [];
    for (let k = 0; k < perPost; k++) {
      const seq = opts.firstSeq + i * perPost + k;
      const customer = seq % opts.customers;
      const waId = customerWaId(customer);
      if (!contacts.some((c) => c.wa_id === waId))
        contacts.push({ profile: { name: NAMES[customer % NAMES.length] as string }, wa_id: waId });
      messages.push(textMessage(waId, seq, runTag, now));
    }
    const envelope = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: opts.number.wabaId,
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: opts.number.displayPhoneNumber.replace(/\D/g, ''),
                  phone_number_id: opts.number.phoneNumberId,
                },
                contacts,
                messages,
              },
              field: 'messages',
            },
          ],
        },
      ],
    };
    const body = Buffer.from(stringifyAsciiJson(envelope), 'utf8');
    const signature = 'sha256=' + createHmac('sha256', opts.appSecret).update(body).digest('hex');
    requests.push({
      method: 'POST',
      path: '/webhooks/whatsapp',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signature,
        'user-agent': 'facebookexternalua',
      },
      body,
    });
  }
  return requests;
}

/**
 * The rule set of a typical Japanese small business (a shop with online orders and a café counter) that the
 * labelled matching set is evaluated against. Keywords are what an owner would type in the rule editor: a few
 * words and synonyms per topic, in Japanese and English; no message of the set is copied into a keyword.
 */
import type { RuleInput } from '../../src/contracts/automation-rules.schemas.ts';

const text = (body: string) => ({ type: 'text', text: { body } });

/** The rules, in the order an owner would create them. */
export const MATCHING_RULES: RuleInput[] = [
  {
    id: 'returns',
    triggers: [
      {
        mode: 'fuzzy',
        keywords: ['返品', '返金', '払い戻し', 'お金を返して', '返送', 'refund', 'return', 'money back'],
      },
    ],
    exclude: ['返金ありがとう', 'thanks for the refund'],
    response: text('返品・返金はご購入から14日以内に承ります。'),
  },
  {
    id: 'shipping',
    triggers: [
      {
        mode: 'fuzzy',
        keywords: [
          '配送',
          '発送',
          '配達',
          '届かない',
          '届いていない',
          '届きません',
          'いつ届く',
          '到着',
          '追跡番号',
          '荷物',
          'shipping',
          'delivery',
          'deliver',
          'tracking',
          'shipped',
          'arrive',
          'where is my order',
        ],
      },
    ],
    response: text('発送状況は注文履歴からご確認いただけます。'),
  },
  {
    id: 'hours',
    triggers: [
      {
        mode: 'fuzzy',
        keywords: [
          '営業時間',
          '何時まで',
          '何時から',
          '定休日',
          '開いてますか',
          '開店',
          '閉店',
          'business hours',
          'opening hours',
          'open today',
          'what time do you open',
          'what time do you close',
        ],
      },
    ],
    response: text('営業時間は10時〜19時、水曜定休です。'),
  },
  {
    id: 'price',
    triggers: [
      {
        mode: 'fuzzy',
        keywords: [
          '価格',
          '料金',
          '値段',
          'いくら',
          '見積もり',
          '費用',
          '送料',
          'price',
          'cost',
          'how much',
          'quote',
          'fee',
        ],
      },
    ],
    response: text('料金表はこちらです。'),
  },
  {
    id: 'reservation',
    priority: 1,
    triggers: [
      {
        mode: 'fuzzy',
        keywords: [
          '予約',
          '取り置き',
          '席は空いて',
          'reservation',
          'reserve',
          'booking',
          'book a table',
          'appointment',
        ],
      },
    ],
    response: text('ご予約はこちらのフォームからどうぞ。'),
  },
  {
    id: 'cancel',
    priority: 5,
    triggers: [
      { mode: 'fuzzy', keywords: ['キャンセル', '取り消し', '取消', '解約', 'cancel', 'cancellation'] },
    ],
    response: text('キャンセルは前日までにご連絡ください。'),
  },
  {
    id: 'payment',
    triggers: [
      {
        mode: 'fuzzy',
        keywords: [
          '支払い',
          '支払',
          '決済',
          'クレジットカード',
          'カード払い',
          '振込',
          '振り込み',
          '請求書',
          '領収書',
          '代引き',
          'payment',
          'pay',
          'invoice',
          'receipt',
          'credit card',
        ],
      },
    ],
    response: text('お支払いはカード、銀行振込、代引きに対応しています。'),
  },
  {
    id: 'password',
    triggers: [
      {
        mode: 'fuzzy',
        keywords: [
          'パスワード',
          'ログインできない',
          'ログイン',
          'サインイン',
          'password',
          'login',
          'log in',
          'sign in',
        ],
      },
    ],
    response: text('パスワードの再設定はこちらから。'),
  },
  {
    id: 'access',
    triggers: [
      {
        mode: 'fuzzy',
        keywords: [
          '住所',
          '行き方',
          'アクセス',
          '駐車場',
          '最寄り駅',
          'address',
          'directions',
          'parking',
          'where are you located',
        ],
      },
    ],
    response: text('店舗は駅から徒歩5分、駐車場は3台分あります。'),
  },
  {
    id: 'stock',
    triggers: [
      {
        mode: 'fuzzy',
        keywords: [
          '在庫',
          '入荷',
          '再入荷',
          '売り切れ',
          '品切れ',
          'in stock',
          'restock',
          'sold out',
          'out of stock',
        ],
      },
    ],
    response: text('在庫状況は商品ページに表示しています。'),
  },
  {
    id: 'coupon',
    triggers: [
      {
        mode: 'fuzzy',
        keywords: ['クーポン', '割引', 'セール', 'coupon', 'discount', 'promo code', 'voucher'],
      },
    ],
    response: text('今月のクーポンコードは TSUNAGI10 です。'),
  },
  {
    id: 'greeting',
    priority: -1,
    triggers: [
      {
        mode: 'exact',
        keywords: ['こんにちは', 'こんばんは', 'おはようございます', 'はじめまして', 'hello', 'hi', 'hey'],
      },
    ],
    response: text('こんにちは！ご用件をお送りください。'),
  },
  {
    id: 'order-status',
    priority: 3,
    triggers: [
      {
        mode: 'regex',
        keywords: ['(注文番号|オーダー番号|order\\s*(no\\.?|number|#))\\s*[:：#は]?\\s*[A-Za-z0-9-]{6,}'],
      },
    ],
    response: text('ご注文番号を確認しています。少々お待ちください。'),
  },
];

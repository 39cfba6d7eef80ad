/**
 * Keyword matcher benchmark: `node bin/run-ts.js bench/matcher.ts` (about a minute, one core). In one process:
 *
 * 1. loads the kuromoji dictionary lazily and measures its load time and memory cost (RSS, heap, buffers; steady
 *    state after GC and peak during the load);
 * 2. compiles 1,000 generated rules (Japanese and English keywords; fuzzy, contains, exact and regex modes;
 *    priorities, a few scopes and conditions) and times the compile;
 * 3. evaluates generated customer messages — keywords embedded in sentences, rewritten as hiragana, katakana,
 *    romaji, full width, or with a one-kana/one-letter typo, plus unrelated small talk — and reports the
 *    per-message evaluation time (p50/p99), which includes tokenising the message with kuromoji.
 *
 * Writes bench/results/matcher.json. Generation is seeded, so every run measures the same rules and messages.
 */
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { toHiragana, toKatakana, toRomaji } from 'wanakana';
import type { RuleInput } from '../src/contracts/automation-rules.schemas.ts';
import { loadJapaneseAnalyzer } from '../src/server/modules/automation/japanese-analyzer.service.ts';
import type { Analyzer } from '../src/server/modules/automation/reading.rules.ts';
import { compileRuleSet } from '../src/server/modules/automation/rule-compile.rules.ts';
import { evaluate, type Evaluation } from '../src/server/modules/automation/rule-evaluate.rules.ts';
import { machineInfo } from './lib/machine.ts';
import { atMost, round, writeResult } from './lib/results.ts';
import { summarizeLatencies } from './lib/stats.ts';

const RULES = 1000;
const MESSAGES = 3000;
const PASSES = 3;
const MiB = 2 ** 20;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Mulberry32: a small seeded PRNG so runs are comparable. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(20261121);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

const JA_NOUNS = (
  '商品 注文 配送 返品 交換 予約 料金 支払い 会員 ポイント クーポン 在庫 入荷 営業時間 駐車場 住所 電話番号 領収書 請求書 ' +
  'ギフト ラッピング 送料 割引 セール 新商品 定期便 解約 登録 退会 サイズ 素材 保証 修理 故障 点検 見積もり 配達 発送 追跡 ' +
  'キャンセル 変更 パスワード ログイン アカウント アプリ 問い合わせ 店舗 定休日 個室 コース ランチ ディナー テイクアウト ' +
  '持ち帰り アレルギー 駐輪場 車椅子 団体 貸切 誕生日 ケーキ 花束 名入れ 刺繍 採寸 カット カラー パーマ 着付け 撮影 体験 ' +
  'レッスン 教室 入会 月謝 振替 欠席 遅刻 引き取り 下取り 買取 査定 設置 工事 取り付け 洗濯 クリーニング 預かり 延長 更新 ' +
  '契約 保険 補償 診察 予防接種 検査 相談 見学 説明会 申し込み 抽選 当選 発売日 再販 入荷待ち 取り寄せ 名刺 印刷 納期'
).split(' ');
const JA_SUFFIXES = [
  '',
  '',
  '',
  'の確認',
  'について',
  'の変更',
  'の方法',
  'したい',
  'はいつ',
  'の状況',
  'できますか',
  'の料金',
];
const EN_WORDS = (
  'order refund delivery shipping booking reservation price payment invoice receipt password account login coupon ' +
  'discount sale size colour warranty repair gift wrapping membership points subscription cancellation exchange store ' +
  'parking address hours menu allergy lesson class appointment haircut quote estimate tracking stock restock pickup ' +
  'installation cleaning rental insurance consultation tour application lottery release printing deadline'
).split(' ');
const EN_PREFIXES = ['', '', 'how to change ', 'question about ', 'status of ', 'problem with ', 'cost of '];
const JA_TEMPLATES = [
  (k: string) => `${k}について教えてください`,
  (k: string) => `すみません、${k}をお願いしたいのですが`,
  (k: string) => `昨日の${k}の件で連絡しました。まだですか？`,
  (k: string) => `${k}`,
  (k: string) => `こんにちは！${k}は可能でしょうか`,
  (k: string) => `先週お願いした${k}、どうなっていますか`,
];
const EN_TEMPLATES = [
  (k: string) => `Hi, I have a question about ${k}`,
  (k: string) => `can you help me with ${k}?`,
  (k: string) => `${k} please`,
  (k: string) => `Hello, what about the ${k} for my order from last week?`,
];
const SMALL_TALK = [
  'ありがとうございました！',
  'よろしくお願いします',
  '了解です',
  '明日は雨みたいですね',
  'とても美味しかったです',
  'また行きます',
  'Thank you so much',
  'ok see you tomorrow',
  'The weather is lovely today',
  '写真を送りますね',
  'なるほど、わかりました',
  'great, thanks!',
];

const text = (body: string) => ({ type: 'text', text: { body } });

function generateRules(): RuleInput[] {
  const rules: RuleInput[] = [];
  for (let i = 0; i < RULES; i++) {
    const r = random();
    const mode = r < 0.62 ? 'fuzzy' : r < 0.85 ? 'contains' : r < 0.97 ? 'exact' : 'regex';
    const keywords: string[] = [];
    const n = mode === 'regex' ? 1 + Math.floor(random() * 2) : 2 + Math.floor(random() * 4);
    for (let k = 0; k < n; k++) {
      if (mode === 'regex') {
        keywords.push(
          pick([
            `(注文|order)\\s*#?${100 + i}\\d{3,}`,
            `[A-Z]{2}-${i}\\d{4}`,
            `(クーポン|coupon)\\s*${i}[A-Z]+`,
          ]),
        );
      } else if (random() < 0.65) {
        keywords.push(pick(JA_NOUNS) + pick(JA_SUFFIXES));
      } else {
        keywords.push(pick(EN_PREFIXES) + pick(EN_WORDS));
      }
    }
    const rule: RuleInput = {
      id: `rule-${i}`,
      priority: Math.floor(random() * 6),
      triggers: [{ mode, keywords }],
      response: text(`自動応答 ${i}`),
    };
    if (random() < 0.1) rule.scope = { businessHours: random() < 0.5 ? 'open' : 'closed' };
    if (random() < 0.05) rule.condition = 'tag:vip or attr.plan = "gold"';
    rules.push(rule);
  }
  return rules;
}

/** A one-character typo: delete, substitute (with a neighbour of the same script) or duplicate. */
function typo(s: string): string {
  const chars = [...s];
  if (chars.length < 4) return s;
  const i = 1 + Math.floor(random() * (chars.length - 2));
  const r = random();
  if (r < 0.4) chars.splice(i, 1);
  else if (r < 0.7) chars.splice(i, 0, chars[i] as string);
  else chars[i] = String.fromCodePoint((chars[i] as string).codePointAt(0)! + 1);
  return chars.join('');
}

function variant(keyword: string, analyzer: Analyzer): string {
  if (!/[\u3040-\u9fff]/.test(keyword)) {
    const r = random();
    if (r < 0.25) return typo(keyword);
    if (r < 0.4)
      return keyword.toUpperCase().replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    return keyword;
  }
  const hira = toHiragana(
    analyzer
      .tokenize(keyword)
      .map((t) => t.reading ?? t.surface)
      .join(''),
  );
  const r = random();
  if (r < 0.2) return hira;
  if (r < 0.3) return toKatakana(hira);
  if (r < 0.4) return toRomaji(hira);
  if (r < 0.55) return typo(hira);
  return keyword;
}

function generateMessages(rules: RuleInput[], analyzer: Analyzer): string[] {
  const messages: string[] = [];
  while (messages.length < MESSAGES) {
    if (random() < 0.25) {
      messages.push(pick(SMALL_TALK));
      continue;
    }
    const rule = pick(rules);
    const trigger = rule.triggers[0]!;
    if (trigger.mode === 'regex') {
      messages.push(`注文 #${100 + Number(rule.id.slice(5))}1234 の件です`);
      continue;
    }
    const keyword = pick(trigger.keywords);
    const v = variant(keyword, analyzer);
    if (trigger.mode === 'exact') messages.push(v);
    else messages.push(/[\u3040-\u9fff]/.test(keyword) ? pick(JA_TEMPLATES)(v) : pick(EN_TEMPLATES)(v));
  }
  return messages;
}

async function measureDictionary(): Promise<{ analyzer: Analyzer; measured: Record<string, number> }> {
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const analyzer = await loadJapaneseAnalyzer();
  const loadMs = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  gc();
  const after = process.memoryUsage();
  return {
    analyzer,
    measured: {
      loadMs: round(loadMs, 1),
      rssBeforeMiB: round(before.rss / MiB, 1),
      rssAfterMiB: round(after.rss / MiB, 1),
      rssCostMiB: round((after.rss - before.rss) / MiB, 1),
      peakRssDuringLoadMiB: round(peakRss / MiB, 1),
      heapUsedCostMiB: round((after.heapUsed - before.heapUsed) / MiB, 1),
      arrayBuffersCostMiB: round((after.arrayBuffers - before.arrayBuffers) / MiB, 1),
    },
  };
}

const started = Date.now();
const loadAtStart = os.loadavg()[0] ?? 0;
const dictionary = await measureDictionary();
const { analyzer } = dictionary;
const rules = generateRules();
const compileStarted = performance.now();
const compiled = compileRuleSet({ version: 'bench', rules }, analyzer);
const compileMs = performance.now() - compileStarted;
if (!compiled.ok)
  throw new Error(`generated rules do not compile: ${JSON.stringify(compiled.errors.slice(0, 3))}`);
const messages = generateMessages(rules, analyzer);
const now = new Date('2026-03-02T03:00:00Z');
const run = (t: string, i: number): Evaluation =>
  evaluate(compiled.ruleSet, {
    text: t,
    phoneNumberId: 'pn-1',
    now,
    inBusinessHours: i % 3 !== 0,
    contact: { tags: i % 7 === 0 ? ['vip'] : [] },
  });

messages.forEach(run); // warm-up: JIT and kuromoji's caches
const latencies: number[] = [];
const kinds: Record<string, number> = {};
for (let pass = 0; pass < PASSES; pass++) {
  messages.forEach((m, i) => {
    const t0 = performance.now();
    const e = run(m, i);
    latencies.push(performance.now() - t0);
    if (pass === 0) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  });
}
const tokenizeLatencies = messages.map((m) => {
  const t0 = performance.now();
  analyzer.tokenize(m);
  return performance.now() - t0;
});
const evaluation = summarizeLatencies(latencies);
const tokenize = summarizeLatencies(tokenizeLatencies);
const keywords = compiled.ruleSet.rules.reduce((n, r) => n + r.keywords.length + r.patterns.length, 0);

const file = writeResult({
  scenario: 'matcher',
  description:
    'Keyword auto-reply evaluation per inbound message against 1,000 rules (ja/en, fuzzy), and the lazily loaded kuromoji dictionary',
  date: new Date().toISOString(),
  durationSeconds: Math.round((Date.now() - started) / 1000),
  machine: machineInfo(null),
  parameters: {
    rules: RULES,
    keywords,
    messages: MESSAGES,
    passes: PASSES,
    seed: 20261121,
    targetEvaluationP99Ms: 1,
  },
  measured: {
    dictionary: dictionary.measured,
    compileMs: round(compileMs, 1),
    evaluationMs: evaluation,
    tokenizeOnlyMs: tokenize,
    outcomes: kinds,
    heapAfterMiB: round(process.memoryUsage().heapUsed / MiB, 1),
  },
  targets: [atMost('evaluation p99 (1,000 rules, incl. tokenising)', evaluation.p99, 1, 'ms')],
  notes: [
    `1-minute load average ${round(loadAtStart, 2)} at start and ${round(os.loadavg()[0] ?? 0, 2)} at the end on ${os.cpus().length} cores: other work on the machine inflates the tail (p99, p999) more than the median`,
    'evaluation time includes NFKC/kana folding, kuromoji tokenisation of the message, the bigram prefilter, matching of the candidate rules, guards and the decision',
    'regex triggers (3 % of the rules, 1–2 patterns each) run as one re2js RE2Set per message (one DFA pass, ~1 µs for hundreds of patterns; one by one they cost ~3 µs per pattern)',
    'dictionary cost is measured once per process: rssCostMiB after GC is the steady cost, peakRssDuringLoadMiB includes the transient inflated dictionary files',
  ],
});
console.log(
  JSON.stringify(
    { dictionary: dictionary.measured, compileMs: round(compileMs, 1), evaluation, tokenize, kinds },
    null,
    2,
  ),
);
console.log(`wrote ${file}`);

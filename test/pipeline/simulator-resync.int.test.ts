import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, MessageDto } from '../../src/contracts/api.schemas.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

describe('built-in simulator state after a restart', () => {
  let s: RunningTsunagi;
  beforeAll(async () => {
    s = await startTestTsunagi();
  });
  afterAll(async () => s?.close());

  it('restores open service windows so replies are not refused by the simulator', async () => {
    const number = await s.addNumber({ phoneNumberId: '100000000000201' });
    const sim = s.t.simulator!;
    sim.inbound({
      phoneNumberId: number.phoneNumberId,
      from: '819033334444',
      name: '田中',
      message: { type: 'text', text: { body: '予約できますか' } },
    });
    await s.t.drain();
    // The simulator forgets everything (as after a process restart); Tsunagi replays what it knows.
    await sim.reset();
    await s.t.resyncSimulator();
    const conv = (await s.api<{ data: ConversationDto[] }>('GET', '/api/v1/conversations')).body.data[0]!;
    const sent = await s.api<MessageDto>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      type: 'text',
      text: { body: 'はい、できます' },
    });
    await s.t.drain();
    s.clock.advance(3000);
    await s.t.drain();
    const after = await s.api<MessageDto>('GET', `/api/v1/messages/${sent.body.id}`);
    expect(after.body.status).toBe('read');
    expect(sim.violations()).toEqual([]);
  });
});

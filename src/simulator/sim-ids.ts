import { randomBytes, randomInt } from 'node:crypto';

/**
 * Identifiers that look like Meta's, so code and UIs built against the simulator see realistic values.
 * Uniqueness within one simulator comes from a counter; a random per-instance prefix keeps two simulators
 * (e.g. parallel test files) from colliding.
 */
export class SimIds {
  private seq = 0;
  private readonly instance = randomBytes(4).toString('hex').toUpperCase();
  private numericBase = BigInt(randomInt(100_000, 900_000)) * 10_000_000_000n;

  /**
   * `wamid.` + base64 of the protobuf-like envelope Meta uses (`HBgL…`): the counterpart's number and an
   * 18-hex-digit message key, e.g. `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI…`.
   */
  wamid(counterpart: string): string {
    const key = this.instance + (this.seq++).toString(16).toUpperCase().padStart(10, '0');
    const digits = Buffer.from(counterpart.slice(0, 255), 'latin1');
    const bytes = Buffer.concat([
      Buffer.from([0x1c, 0x18, digits.length]),
      digits,
      Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]),
      Buffer.from(key, 'latin1'),
      Buffer.from([0x00]),
    ]);
    return 'wamid.' + bytes.toString('base64');
  }

  /** A numeric Graph object id (media, templates), 15–16 digits like Meta's. */
  numeric(): string {
    this.numericBase += BigInt(randomInt(1, 1000));
    return this.numericBase.toString();
  }

  /** A 32-hex-digit conversation id, unique per message as in v23 status webhooks. */
  conversationId(): string {
    return randomBytes(16).toString('hex');
  }
}

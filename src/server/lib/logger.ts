import { pino } from 'pino';

/** The structured logger (pino). Services take the narrow interface so tests can pass a silent one. */
export type Logger = Pick<pino.Logger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

export function createLogger(level: string, name = 'tsunagi'): pino.Logger {
  return pino({ name, level });
}

export const silentLogger: Logger = pino({ level: 'silent' });

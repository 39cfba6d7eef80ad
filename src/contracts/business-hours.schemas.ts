/**
 * A workspace's business hours as data: an IANA time zone, a weekly schedule of local opening intervals, and
 * dated exceptions (holidays closed all day, or special hours for one date).
 */
import { z } from 'zod';

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** One local opening interval; `close` before `open` spans midnight (22:00–02:00), `24:00` is the day's end. */
export const IntervalSchema = z
  .object({ open: z.string().regex(HHMM, 'use HH:MM'), close: z.string().regex(HHMM, 'use HH:MM') })
  .refine((i) => i.open !== i.close, 'open and close must differ');
/** A local opening interval. */
export type Interval = z.infer<typeof IntervalSchema>;

/** Weekdays as in the schedule, Sunday first (the order of `Date.getDay`). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A dated exception: `intervals: []` closes the whole day (holiday), other intervals replace the weekly ones. */
export const ExceptionSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD'),
  intervals: z.array(IntervalSchema).default([]),
  name: z.string().optional(),
});

/** Business hours of a workspace. */
export const BusinessHoursSchema = z.object({
  timeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'unknown IANA time zone'),
  weekly: z.object(
    Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(IntervalSchema).default([])])) as {
      [K in (typeof WEEKDAYS)[number]]: z.ZodDefault<z.ZodArray<typeof IntervalSchema>>;
    },
  ),
  exceptions: z.array(ExceptionSchema).default([]),
});
/** Business hours as saved. */
export type BusinessHoursInput = z.input<typeof BusinessHoursSchema>;
/** Business hours after defaults. */
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

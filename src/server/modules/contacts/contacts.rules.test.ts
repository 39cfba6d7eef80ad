import { describe, expect, it } from 'vitest';
import { parsePhone, regionOfWaId, timeZoneOfCountry, waIdVariants } from './contacts.rules.ts';

describe('waIdVariants', () => {
  it('Brazil: a mobile with its 9 and without it are the same person', () => {
    expect(waIdVariants('+55 11 98765-4321')).toEqual(['5511987654321', '551187654321']);
    expect(waIdVariants('551187654321')).toEqual(['551187654321', '5511987654321']);
    // A landline (subscriber starting 2–5) has no mobile 9.
    expect(waIdVariants('551132345678')).toEqual(['551132345678']);
  });

  it('Mexico: 521 + 10 digits and 52 + 10 digits', () => {
    expect(waIdVariants('5215512345678')).toEqual(['5215512345678', '525512345678']);
    expect(waIdVariants('+52 55 1234 5678')).toEqual(['525512345678', '5215512345678']);
  });

  it('Argentina: 549 + 10 digits and 54 + 10 digits', () => {
    expect(waIdVariants('5491123456789')).toEqual(['5491123456789', '541123456789']);
    expect(waIdVariants('+54 11 2345-6789')).toEqual(['541123456789', '5491123456789']);
  });

  it('Japan and others: the number only', () => {
    expect(waIdVariants('+81 90-1234-5678')).toEqual(['819012345678']);
    expect(waIdVariants('14155550134')).toEqual(['14155550134']);
  });
});

describe('region of a number', () => {
  it('gives the country and its time zone, the most populous zone for multi-zone countries', () => {
    expect(regionOfWaId('819012345678')).toEqual({ country: 'JP', timezone: 'Asia/Tokyo' });
    expect(regionOfWaId('14155550134')).toEqual({ country: 'US', timezone: 'America/New_York' });
    expect(regionOfWaId('5215512345678')).toEqual({ country: 'MX', timezone: 'America/Mexico_City' });
    expect(regionOfWaId('5491123456789')).toEqual({
      country: 'AR',
      timezone: 'America/Argentina/Buenos_Aires',
    });
  });

  it('reads a Brazilian wa_id without the 9 (no longer a valid number) through its other form', () => {
    expect(parsePhone('+551187654321')?.e164).toBe('+5511987654321');
    expect(regionOfWaId('551187654321')).toEqual({ country: 'BR', timezone: 'America/Sao_Paulo' });
  });

  it('single-zone countries get their zone; unknown ones null', () => {
    expect(timeZoneOfCountry('FR')).toBe('Europe/Paris');
    expect(timeZoneOfCountry('VN')).toBe('Asia/Ho_Chi_Minh');
    expect(timeZoneOfCountry('ZZ')).toBeNull();
    expect(timeZoneOfCountry(null)).toBeNull();
  });
});

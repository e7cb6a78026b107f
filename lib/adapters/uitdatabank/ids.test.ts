import { describe, expect, it } from 'vitest';
import { idFromUri, isUitdatabankId, parseUitdatabankUri, uitdatabankUri } from './ids.js';

const UUID = '5a0967f9-cc06-4c3c-9206-30481a767434';
const LEGACY = 'D04BE067-FBE7-6633-2351893716796CB5';

describe('idFromUri', () => {
  it.each([
    [`https://io-test.uitdatabank.be/events/${UUID}`, UUID],
    [`https://io-test.uitdatabank.be/event/${UUID}`, UUID],
    [`https://io-test.uitdatabank.be/events/${UUID}/`, UUID],
    [`https://io.uitdatabank.be/organizers/${LEGACY}`, LEGACY],
    [`https://io.uitdatabank.be/organizer/${LEGACY}/`, LEGACY],
    [`https://io.uitdatabank.be/places/${UUID}?x=1`, UUID],
    [`http://127.0.0.1:4010/entry/place/${UUID}`, UUID],
  ])('takes the bare id from %s', (uri, id) => {
    expect(idFromUri(uri)).toBe(id);
  });

  it('knows the kind of item', () => {
    expect(parseUitdatabankUri(`https://io.uitdatabank.be/organizers/${UUID}`)).toEqual({
      kind: 'organizer',
      id: UUID,
    });
    expect(idFromUri(`https://io.uitdatabank.be/organizers/${UUID}`, 'event')).toBeNull();
    expect(idFromUri(`https://io.uitdatabank.be/organizers/${UUID}`, 'organizer')).toBe(UUID);
  });

  it.each([
    UUID,
    'not a uri',
    `https://io.uitdatabank.be/productions/${UUID}`,
    'https://io.uitdatabank.be/events/',
    'https://io.uitdatabank.be/events/bad%20id',
    `ftp://io.uitdatabank.be/events/${UUID}`,
  ])('returns null for %s', (uri) => {
    expect(idFromUri(uri)).toBeNull();
  });
});

describe('isUitdatabankId', () => {
  it.each([UUID, LEGACY, 'a', 'A1-b2'])('accepts %s', (id) => {
    expect(isUitdatabankId(id)).toBe(true);
  });

  it.each(['', '-abc', 'abc-', 'a b', 'a/b', '../x', 'é', 'a'.repeat(65), 42, null])('rejects %s', (id) => {
    expect(isUitdatabankId(id)).toBe(false);
  });
});

describe('uitdatabankUri', () => {
  it('builds the URI Entry expects, without a double slash', () => {
    expect(uitdatabankUri('https://io-test.uitdatabank.be/', 'place', UUID)).toBe(
      `https://io-test.uitdatabank.be/places/${UUID}`,
    );
  });

  it('refuses an unsafe id', () => {
    expect(() => uitdatabankUri('https://io-test.uitdatabank.be', 'place', '../x')).toThrow(RangeError);
  });
});

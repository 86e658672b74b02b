import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../lib/delivery/parseRetryAfter';

const NOW = new Date('2030-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each<[Parameters<typeof parseRetryAfter>[0], number | undefined]>([
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
    ['0', 0],
    ['30', 30_000],
    [' 5 ', 5_000],
    [12, 12_000],
    [['9', '10'], 9_000],
    ['Tue, 01 Jan 2030 00:00:30 GMT', 30_000],
    ['Mon, 31 Dec 2029 23:00:00 GMT', 0],
    ['1.5', undefined],
    ['-3', undefined],
    ['later', undefined],
    ['99999999', MAX_RETRY_AFTER_MS],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

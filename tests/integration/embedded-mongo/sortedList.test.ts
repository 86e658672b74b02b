import { SortedList } from '../../../server/embedded-mongo/storage/SortedList';

/** The chunked sorted list behind ordered indexes, checked against a plain sorted array. */
describe('SortedList', () => {
  // A small deterministic PRNG so a failure is reproducible.
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

  test('inserts, deletes and ranges agree with a sorted array through chunk splits', () => {
    const list = new SortedList<number>((a, b) => a - b);
    let model: number[] = [];
    for (let step = 0; step < 6000; step++) {
      const value = Math.floor(random() * 3000);
      if (random() < 0.7 || model.length === 0) {
        if (model.includes(value)) continue; // entries are unique (index entries carry their id)
        list.insert(value);
        model.push(value);
        model.sort((a, b) => a - b);
      } else {
        const victim = model[Math.floor(random() * model.length)];
        expect(list.delete(victim)).toBe(true);
        model = model.filter((v) => v !== victim);
      }
    }
    expect(list.size).toBe(model.length);
    expect(list.delete(-1)).toBe(false);
    for (let q = 0; q < 200; q++) {
      const lo = Math.floor(random() * 3200) - 100;
      const hi = lo + Math.floor(random() * 800);
      const expected = model.filter((v) => v >= lo && v < hi);
      expect([...list.range((v) => v < lo, (v) => v >= hi)]).toEqual(expected);
      expect([...list.range((v) => v < lo, (v) => v >= hi, true)]).toEqual([...expected].reverse());
    }
    expect([...list.range(() => false, () => false)]).toEqual(model);
    expect([...list.range(() => true, () => false)]).toEqual([]);
  });
});

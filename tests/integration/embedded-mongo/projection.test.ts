import type { Document } from 'mongodb';
import { applyProjection } from '../../../server/embedded-mongo/commands/projection';
import { compileFastProjection, NOT_HANDLED } from '../../../server/embedded-mongo/query/fastProjection';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase';
import { onEmbeddedServer } from './helpers';

/**
 * Projections: simple inclusions/exclusions are copied field by field (the fan-out reads 10,000 projected
 * documents per query), everything else goes through mingo. Results must be MongoDB's, including the order of
 * fields (the document's order, `_id` first), embedded documents reduced to the included subfields, and arrays of
 * documents projected element by element.
 */
const docs: Document[] = [
  { _id: 1, a: 1, b: { c: 2, d: 3 }, e: [{ c: 1, f: 2 }, 5, { f: 3 }], g: null },
  { _id: 2, b: 5, a: [1, 2], settings: { preferences: { push: 'all' }, other: 2 } },
  { _id: 3, b: { d: { e: 1, f: 2 } }, a: { c: 1 }, u: { _id: 'x', username: 'y', name: 'Y' } },
  { _id: 4 },
  { _id: 5, b: [[{ c: 1, d: 2 }]], a: new Date(0) },
  { _id: 6, b: [{ c: [{ d: 1, e: 2 }] }], settings: 7 },
];

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
  await t.db.collection('proj').insertMany(docs);
});
afterAll(() => t.close());

async function project(projection: Document): Promise<Document[]> {
  return t.db.collection('proj').find({}, { projection, sort: { _id: 1 } }).toArray();
}

/** Field names in order, recursively: toEqual ignores key order, MongoDB does not. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).map(([k, v]) => [k, shape(v)]);
  }
  return value instanceof Date ? value.toISOString() : value;
}

describe('projections through the driver', () => {
  test('inclusion keeps the document order with _id first, whatever the projection order', async () => {
    const out = await project({ b: 1, a: 1 });
    expect(shape(out[1])).toEqual([['_id', 2], ['b', 5], ['a', [1, 2]]]);
    expect(shape(out[2])).toEqual([['_id', 3], ['b', [['d', [['e', 1], ['f', 2]]]]], ['a', [['c', 1]]]]);
    expect(out[3]).toEqual({ _id: 4 });
  });

  test('dotted inclusion: embedded documents keep only those subfields, scalars on the way are dropped', async () => {
    const out = await project({ 'settings.preferences': 1, 'u._id': 1, 'u.username': 1 });
    expect(out).toEqual([
      { _id: 1 },
      { _id: 2, settings: { preferences: { push: 'all' } } },
      { _id: 3, u: { _id: 'x', username: 'y' } },
      { _id: 4 },
      { _id: 5 },
      { _id: 6 },
    ]);
    const deep = await project({ 'b.d.e': 1, _id: 0 });
    // (document 5, an array of arrays, is left out: servers differ there)
    expect(deep.filter((_, i) => i !== 4)).toEqual([{ b: {} }, {}, { b: { d: { e: 1 } } }, {}, { b: [{}] }]);
  });

  test('dotted inclusion through arrays of documents drops the non-documents', async () => {
    const out = await project({ 'e.f': 1, _id: 0 });
    expect(out[0]).toEqual({ e: [{ f: 2 }, { f: 3 }] });
    const nested = await project({ 'b.c.d': 1 });
    expect(nested[5]).toEqual({ _id: 6, b: [{ c: [{ d: 1 }] }] });
  });

  test('_id alone, _id excluded, and exclusions', async () => {
    expect(await project({ _id: 1 })).toEqual(docs.map((d) => ({ _id: d._id })));
    expect((await project({ _id: 0, a: 1 }))[0]).toEqual({ a: 1 });
    const excluded = await project({ a: 0, e: 0 });
    expect(shape(excluded[0])).toEqual([['_id', 1], ['b', [['c', 2], ['d', 3]]], ['g', null]]);
    expect((await project({ _id: 0 }))[3]).toEqual({});
  });

  test('null values are kept, missing fields stay missing', async () => {
    const out = await project({ g: 1, missing: 1 });
    expect(out[0]).toEqual({ _id: 1, g: null });
    expect(out[1]).toEqual({ _id: 2 });
  });

  test('projections the fast path leaves to mingo still work', async () => {
    const sliced = await project({ a: { $slice: 1 } });
    expect(sliced[1]).toEqual(expect.objectContaining({ _id: 2, a: [1] }));
    const matched = await project({ e: { $elemMatch: { f: 3 } } });
    expect(matched[0]).toEqual({ _id: 1, e: [{ f: 3 }] });
  });

  test('mixing inclusion and exclusion is an error', async () => {
    await expect(project({ a: 1, b: 0 })).rejects.toThrow();
  });
});

(onEmbeddedServer ? describe : describe.skip)('the fast path agrees with mingo (up to field order)', () => {
  const projections: Document[] = [
    { a: 1 }, { a: 1, _id: 0 }, { _id: 1 }, { _id: 0 }, { 'b.c': 1 }, { 'b.d.e': 1, a: 1 }, { 'e.f': 1 }, { 'e.c': 1, 'e.f': 1 },
    { 'settings.preferences': 1, u: 1 }, { 'u._id': 1, 'u.username': 1 }, { a: 0 }, { a: 0, b: 0 }, { a: 0, _id: 0 },
    { b: 1, a: 1 }, { 'b.c.d': 1 }, { 'b.c': true }, { g: 1 }, { missing: 1 }, { a: 1, b: 1, _id: 0 },
  ];
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]));
    }
    return value;
  };
  test.each(projections.map((p) => [JSON.stringify(p), p]))('%s', (_name, projection) => {
    const fast = compileFastProjection(projection as Document);
    expect(fast).toBeDefined();
    for (const doc of docs) {
      const projected = fast!(doc);
      if (projected === NOT_HANDLED) continue; // arrays of arrays: left to mingo
      expect(sortKeys(projected)).toEqual(sortKeys(applyProjection([doc], projection as Document)[0]));
    }
  });

  test('operators, positional paths, computed fields and collisions are left to mingo', () => {
    for (const projection of [{ a: { $slice: 1 } }, { 'a.$': 1 }, { a: '$b' }, { a: 1, 'a.b': 1 }, { '_id.x': 1 }, { 'a.b': 0 }, { a: 1, b: 0 }]) {
      expect(compileFastProjection(projection)).toBeUndefined();
    }
  });
});

import { MongoServerError } from 'mongodb';

/** True when the suite runs against the embedded server (no MONGO_URL): only then may tests use its test hooks. */
export const onEmbeddedServer = !process.env.MONGO_URL;

/** Awaits a promise that must fail with a MongoServerError (optionally with one of the given codes). */
export async function expectServerError(promise: Promise<unknown>, ...codes: number[]): Promise<MongoServerError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof MongoServerError)) {
    throw new Error(`expected a MongoServerError, got ${caught === undefined ? 'success' : String(caught)}`);
  }
  if (codes.length && !codes.includes(caught.code as number)) {
    throw new Error(`expected code ${codes.join(' or ')}, got ${caught.code} (${caught.message})`);
  }
  return caught;
}

/**
 * Raw write commands report per-statement failures inside an ok:1 reply (`writeErrors`); some servers reject the
 * same input at parse time instead. This turns either outcome into a rejected promise so a test can accept both.
 */
export async function failOnWriteErrors(reply: Promise<Record<string, any>>): Promise<Record<string, any>> {
  const result = await reply;
  if (Array.isArray(result.writeErrors) && result.writeErrors.length > 0) throw new MongoServerError(result.writeErrors[0]);
  return result;
}

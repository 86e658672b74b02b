import { PushError, isPushError } from '../../lib/errors';

describe('PushError', () => {
  it('formats the catalogue message and keeps the stable code', () => {
    const error = new PushError('PUSH_ERR_HOOK_NOT_SUPPORTED', ['nope']);
    expect(error.message).toBe('Hook "nope" is not supported');
    expect(error.code).toBe('PUSH_ERR_HOOK_NOT_SUPPORTED');
    expect(isPushError(error, 'PUSH_ERR_HOOK_NOT_SUPPORTED')).toBe(true);
    expect(isPushError(error, 'PUSH_ERR_NOT_FOUND')).toBe(false);
    expect(isPushError(new Error('x'))).toBe(false);
  });
});

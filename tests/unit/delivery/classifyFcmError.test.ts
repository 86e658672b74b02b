import { classifyFcmError, type IFcmErrorDetails } from '../../../lib/delivery/classifyFcmError';

describe('classifyFcmError', () => {
  it.each<[string, IFcmErrorDetails, string, string, string]>([
    // code, details, outcome, reason, routeHealth
    ['messaging/registration-token-not-registered', {}, 'invalid-token', 'UNREGISTERED', 'ok'],
    ['messaging/registration-token-not-registered', { providerCode: 'UNREGISTERED', status: 404 }, 'invalid-token', 'UNREGISTERED', 'ok'],
    ['messaging/mismatched-credential', {}, 'invalid-token', 'SENDER_ID_MISMATCH', 'ok'],
    ['messaging/mismatched-credential', { providerCode: 'SENDER_ID_MISMATCH' }, 'invalid-token', 'SENDER_ID_MISMATCH', 'ok'],
    ['messaging/mismatched-credential', { providerCode: 'PERMISSION_DENIED', status: 403 }, 'rejected', 'PERMISSION_DENIED', 'unhealthy'],
    ['messaging/invalid-registration-token', {}, 'invalid-token', 'messaging/invalid-registration-token', 'ok'],
    ['messaging/invalid-argument', { message: 'The registration token is not a valid FCM registration token' }, 'invalid-token', 'INVALID_REGISTRATION_TOKEN', 'ok'],
    ['messaging/invalid-argument', { message: 'Invalid value at message.android.ttl' }, 'rejected', 'messaging/invalid-argument', 'ok'],
    ['messaging/invalid-argument', { providerCode: 'INVALID_ARGUMENT', message: 'bad data key' }, 'rejected', 'INVALID_ARGUMENT', 'ok'],
    ['messaging/payload-size-limit-exceeded', {}, 'rejected', 'messaging/payload-size-limit-exceeded', 'ok'],
    ['messaging/invalid-payload', {}, 'rejected', 'messaging/invalid-payload', 'ok'],
    ['messaging/message-rate-exceeded', {}, 'retry', 'QUOTA_EXCEEDED', 'failure'],
    ['messaging/device-message-rate-exceeded', {}, 'retry', 'messaging/device-message-rate-exceeded', 'ok'],
    ['messaging/server-unavailable', {}, 'retry', 'UNAVAILABLE', 'failure'],
    ['messaging/internal-error', {}, 'retry', 'INTERNAL', 'failure'],
    ['messaging/unknown-error', {}, 'retry', 'messaging/unknown-error', 'failure'],
    ['app/network-error', { message: 'Error while making request: socket hang up. Error code: ECONNRESET' }, 'retry', 'ECONNRESET', 'failure'],
    ['app/network-timeout', { message: 'Error while making request: timeout of 10000ms exceeded.' }, 'retry', 'TIMEOUT', 'failure'],
    ['messaging/authentication-error', {}, 'rejected', 'messaging/authentication-error', 'unhealthy'],
    ['messaging/third-party-auth-error', { providerCode: 'THIRD_PARTY_AUTH_ERROR' }, 'rejected', 'THIRD_PARTY_AUTH_ERROR', 'unhealthy'],
    ['app/invalid-credential', {}, 'rejected', 'app/invalid-credential', 'unhealthy'],
    ['messaging/third-party-auth-error', { providerCode: 'UNAUTHENTICATED', status: 401 }, 'retry', 'UNAUTHENTICATED', 'failure'],
    ['messaging/authentication-error', { status: 401 }, 'retry', 'UNAUTHENTICATED', 'failure'],
    ['something/brand-new', {}, 'retry', 'something/brand-new', 'failure'],
  ])('%s %j', (code, details, outcome, reason, routeHealth) => {
    expect(classifyFcmError(code, details)).toMatchObject({ outcome, reason, routeHealth, failover: false });
  });

  it('carries the status and Retry-After the transport saw', () => {
    const result = classifyFcmError('messaging/message-rate-exceeded', { status: 429, retryAfterMs: 30_000, providerCode: 'QUOTA_EXCEEDED' });
    expect(result).toMatchObject({ outcome: 'retry', reason: 'QUOTA_EXCEEDED', status: 429, retryAfterMs: 30_000 });
  });

  it('never marks a token invalid for route-wide refusals', () => {
    for (const code of ['messaging/authentication-error', 'app/invalid-credential', 'messaging/third-party-auth-error']) {
      expect(classifyFcmError(code).outcome).not.toBe('invalid-token');
    }
  });
});

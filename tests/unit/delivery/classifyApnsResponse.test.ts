import { classifyApnsResponse, type IApnsAnswer } from '../../../lib/delivery/classifyApnsResponse';

const NOW = new Date('2030-01-01T00:00:00Z');

describe('classifyApnsResponse', () => {
  it.each<[string, IApnsAnswer, string, string, string]>([
    // name, answer, outcome, reason, routeHealth
    ['200 accepted', { status: 200 }, 'delivered', 'OK', 'ok'],
    ['410 Unregistered', { status: 410, reason: 'Unregistered' }, 'invalid-token', 'Unregistered', 'ok'],
    ['410 ExpiredToken', { status: 410, reason: 'ExpiredToken' }, 'invalid-token', 'ExpiredToken', 'ok'],
    ['410 without a body', { status: 410 }, 'invalid-token', 'HTTP_410', 'ok'],
    ['400 BadDeviceToken', { status: 400, reason: 'BadDeviceToken' }, 'invalid-token', 'BadDeviceToken', 'ok'],
    ['400 DeviceTokenNotForTopic', { status: 400, reason: 'DeviceTokenNotForTopic' }, 'invalid-token', 'DeviceTokenNotForTopic', 'ok'],
    ['400 BadTopic', { status: 400, reason: 'BadTopic' }, 'rejected', 'BadTopic', 'ok'],
    ['400 PayloadEmpty', { status: 400, reason: 'PayloadEmpty' }, 'rejected', 'PayloadEmpty', 'ok'],
    ['400 TopicDisallowed', { status: 400, reason: 'TopicDisallowed' }, 'rejected', 'TopicDisallowed', 'ok'],
    ['403 InvalidProviderToken', { status: 403, reason: 'InvalidProviderToken' }, 'rejected', 'InvalidProviderToken', 'unhealthy'],
    ['403 MissingProviderToken', { status: 403, reason: 'MissingProviderToken' }, 'rejected', 'MissingProviderToken', 'unhealthy'],
    ['403 BadCertificateEnvironment', { status: 403, reason: 'BadCertificateEnvironment' }, 'rejected', 'BadCertificateEnvironment', 'unhealthy'],
    ['403 ExpiredProviderToken (node-apn: reason in the error)', { status: 403, error: new Error('ExpiredProviderToken') }, 'retry', 'ExpiredProviderToken', 'failure'],
    ['403 other', { status: 403, reason: 'SomethingNew' }, 'rejected', 'SomethingNew', 'ok'],
    ['404 BadPath', { status: 404, reason: 'BadPath' }, 'rejected', 'BadPath', 'ok'],
    ['413 PayloadTooLarge', { status: 413, reason: 'PayloadTooLarge' }, 'rejected', 'PayloadTooLarge', 'ok'],
    ['429 TooManyRequests (one device)', { status: 429, reason: 'TooManyRequests' }, 'retry', 'TooManyRequests', 'ok'],
    ['429 TooManyProviderTokenUpdates', { status: 429, reason: 'TooManyProviderTokenUpdates' }, 'retry', 'TooManyProviderTokenUpdates', 'failure'],
    ['500 InternalServerError', { status: 500, reason: 'InternalServerError' }, 'retry', 'InternalServerError', 'failure'],
    ['503 ServiceUnavailable', { status: 503, reason: 'ServiceUnavailable' }, 'retry', 'ServiceUnavailable', 'failure'],
    ['503 Shutdown', { status: 503, reason: 'Shutdown' }, 'retry', 'Shutdown', 'failure'],
    ['502 without a body', { status: 502 }, 'retry', 'HTTP_502', 'failure'],
    ['connection refused', { error: new Error('apn write failed: connect ECONNREFUSED 127.0.0.1:1') }, 'retry', 'ECONNREFUSED', 'failure'],
    ['connection reset', { error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }, 'retry', 'ECONNRESET', 'failure'],
    ['timeout', { error: new Error('apn write timeout') }, 'retry', 'TIMEOUT', 'failure'],
    ['unknown transport error', { error: new Error('client is destroyed') }, 'retry', 'NETWORK_ERROR', 'failure'],
  ])('%s', (_name, answer, outcome, reason, routeHealth) => {
    const result = classifyApnsResponse(answer, NOW);
    expect(result).toMatchObject({ outcome, reason, routeHealth, failover: false });
    expect(result.status).toBe(answer.status);
  });

  it('honours Retry-After in seconds on 429 and 5xx', () => {
    expect(classifyApnsResponse({ status: 429, reason: 'TooManyRequests', retryAfter: '120' }, NOW).retryAfterMs).toBe(120_000);
    expect(classifyApnsResponse({ status: 503, reason: 'ServiceUnavailable', retryAfter: 7 }, NOW).retryAfterMs).toBe(7_000);
  });

  it('honours Retry-After as an HTTP date', () => {
    const answer = { status: 503, reason: 'ServiceUnavailable', retryAfter: 'Tue, 01 Jan 2030 00:01:30 GMT' };
    expect(classifyApnsResponse(answer, NOW).retryAfterMs).toBe(90_000);
  });

  it('has no retryAfterMs without the header', () => {
    expect(classifyApnsResponse({ status: 429, reason: 'TooManyRequests' }, NOW).retryAfterMs).toBeUndefined();
  });

  it('says what to do when the credentials are refused', () => {
    expect(classifyApnsResponse({ status: 403, reason: 'InvalidProviderToken' }, NOW).detail).toMatch(/\.p8 key/);
  });
});

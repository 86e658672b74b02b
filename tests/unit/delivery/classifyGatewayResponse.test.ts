import { classifyGatewayResponse } from '../../../lib/delivery/classifyGatewayResponse';

const NOW = new Date('2030-01-01T00:00:00Z');

describe('classifyGatewayResponse', () => {
  it.each<[number, string, string, string, boolean]>([
    // status, outcome, reason, routeHealth, failover
    [200, 'delivered', 'OK', 'ok', false],
    [204, 'delivered', 'OK', 'ok', false],
    [406, 'invalid-token', 'GATEWAY_TOKEN_INVALID', 'ok', false],
    [401, 'rejected', 'GATEWAY_UNAUTHORIZED', 'unhealthy', false],
    [403, 'rejected', 'GATEWAY_FORBIDDEN', 'unhealthy', false],
    [422, 'rejected', 'GATEWAY_REJECTED', 'ok', false],
    [429, 'retry', 'GATEWAY_QUOTA_EXCEEDED', 'failure', false],
    [408, 'retry', 'GATEWAY_TIMEOUT', 'failure', true],
    [400, 'rejected', 'GATEWAY_HTTP_400', 'ok', false],
    [404, 'rejected', 'GATEWAY_HTTP_404', 'ok', false],
    [500, 'retry', 'GATEWAY_HTTP_500', 'failure', true],
    [502, 'retry', 'GATEWAY_HTTP_502', 'failure', true],
    [503, 'retry', 'GATEWAY_HTTP_503', 'failure', true],
  ])('%i', (status, outcome, reason, routeHealth, failover) => {
    expect(classifyGatewayResponse(status, {}, NOW)).toMatchObject({ outcome, reason, routeHealth, failover, status });
  });

  it('a network error is a retry with failover, named after the socket error', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(classifyGatewayResponse(undefined, {}, NOW, error)).toMatchObject({
      outcome: 'retry',
      reason: 'ECONNREFUSED',
      routeHealth: 'failure',
      failover: true,
    });
  });

  it('says that the gateway refused this workspace on 401', () => {
    expect(classifyGatewayResponse(401, {}, NOW).detail).toMatch(/gateway refused this workspace/);
  });

  it('honours Retry-After on 429, whatever the header case', () => {
    expect(classifyGatewayResponse(429, { 'retry-after': '3600' }, NOW).retryAfterMs).toBe(3_600_000);
    expect(classifyGatewayResponse(429, { 'Retry-After': ['60'] }, NOW).retryAfterMs).toBe(60_000);
    expect(classifyGatewayResponse(503, { 'retry-after': 'Tue, 01 Jan 2030 00:00:10 GMT' }, NOW).retryAfterMs).toBe(10_000);
  });

  it('ignores an unreadable Retry-After', () => {
    expect(classifyGatewayResponse(429, { 'retry-after': 'soon' }, NOW).retryAfterMs).toBeUndefined();
  });
});

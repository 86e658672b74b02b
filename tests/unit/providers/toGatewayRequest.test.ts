import { toGatewayRequest } from '../../../lib/providers/toGatewayRequest';
import { aDelivery } from '../../fakes/deliveries';

const NOW = new Date('2030-01-01T00:00:00Z');

describe('toGatewayRequest', () => {
  it('builds an APN request in the gateway protocol shape', () => {
    const delivery = aDelivery({ platform: 'apn', token: 'apn-token', appName: 'chat.rocket.ios' });
    const request = toGatewayRequest(delivery, { uniqueId: 'workspace-1', now: NOW, userId: 'bob-id' });
    expect(request).toEqual({
      path: '/push/apn/send',
      body: {
        token: 'apn-token',
        options: {
          createdAt: '2030-01-01T00:00:00.000Z',
          createdBy: '<SERVER>',
          sent: false,
          sending: 0,
          from: 'push',
          title: '#general',
          text: 'alice: hello there',
          badge: 3,
          sound: 'default',
          notId: 123456,
          apn: { category: 'MESSAGE', topic: 'chat.rocket.ios' },
          gcm: { style: 'inbox' },
          payload: delivery.notification.payload,
          userId: 'bob-id',
          uniqueId: 'workspace-1',
          topic: 'chat.rocket.ios',
          apnsId: delivery.apnsId,
          collapseId: delivery.collapseId,
        },
      },
    });
  });

  it('builds a GCM request without a topic and with the image', () => {
    const delivery = aDelivery({ platform: 'gcm', token: 'fcm-token' });
    const request = toGatewayRequest(delivery, { uniqueId: 'workspace-1', now: NOW, image: 'https://x/icon.png' });
    expect(request.path).toBe('/push/gcm/send');
    expect(request.body.token).toBe('fcm-token');
    expect(request.body.options).not.toHaveProperty('topic');
    expect(request.body.options).not.toHaveProperty('userId');
    expect(request.body.options).not.toHaveProperty('priority');
    expect(request.body.options.apn).toEqual({ category: 'MESSAGE' });
    expect(request.body.options.gcm).toEqual({ style: 'inbox', image: 'https://x/icon.png' });
  });

  it('survives JSON round-tripping unchanged (it is sent as JSON)', () => {
    const request = toGatewayRequest(aDelivery(), { uniqueId: 'w', now: NOW });
    expect(JSON.parse(JSON.stringify(request.body))).toEqual(request.body);
  });
});

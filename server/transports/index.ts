export { GatewayTransport } from './GatewayTransport';
export type { GatewayTransportOptions, GatewayPoster, IGatewayAnswer } from './GatewayTransport';
export { ApnsTransport } from './ApnsTransport';
export type { ApnsTransportOptions, ApnsProviderFactory, IApnsProvider } from './ApnsTransport';
export { FcmTransport } from './FcmTransport';
export type { FcmTransportOptions, IFcmSender } from './FcmTransport';
export { DirectTransport } from './DirectTransport';
export type { DirectTransportOptions } from './DirectTransport';
export { TransportRegistry } from './TransportRegistry';
export type { ITransportRegistration } from './TransportRegistry';
export { TransportSelector } from './TransportSelector';
export type { TransportSelectorOptions } from './TransportSelector';
export {
  createTransport,
  createGatewayTransport,
  createDirectTransport,
  registerBuiltInTransports,
  transportNameFor,
  gatewayFingerprint,
  directFingerprint,
  defaultFingerprint,
  GATEWAY_TRANSPORT,
  DIRECT_TRANSPORT,
} from './builtInTransports';
export { readTransportEnv } from './readTransportEnv';
export { ServiceAccountCredential, AccessTokenError } from './ServiceAccountCredential';
export { EndpointAgent } from './EndpointAgent';

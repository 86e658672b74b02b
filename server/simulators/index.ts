/** Local APNs and FCM v1 look-alikes (SPEC §8) and the credentials they trust. Nothing starts at import time. */

export { startApnsSimulator } from './apnsSimulator';
export type { ApnsPush, ApnsSimulator, ApnsSimulatorOptions, ApnsStats } from './apnsSimulator';
export type { ApnsEnvironment, ApnsSigningKeyRegistration } from './apnsAuth';
export { startFcmSimulator } from './fcmSimulator';
export type { FcmPush, FcmSimulator, FcmSimulatorOptions, FcmStats } from './fcmSimulator';
export type { ServiceAccountRegistration } from './googleOAuth';
export { FCM_SCOPE, JWT_BEARER_GRANT } from './googleOAuth';
export { startPushSimulators, DEFAULT_SIMULATOR_PROJECT_ID } from './pushSimulators';
export type { PushSimulatorCredentials, PushSimulators, PushSimulatorsOptions } from './pushSimulators';
export {
  createCertificateAuthority,
  createSelfSignedCertificate,
  generateApnsClientCertificate,
  readCertificate,
  topicsOfCertificate,
} from './certificates';
export type { CertificateOptions, GeneratedCertificate, ApnsClientCertificate, CertificateInfo } from './certificates';
export { generateApnsSigningKey, generateServiceAccount, GOOGLE_TOKEN_URI } from './credentials';
export type { ApnsSigningKey, ServiceAccountJson } from './credentials';
export { FaultController } from './faults';
export type { FaultSettings, FailRule, ResetRule, ResetMode, Latency, FaultSnapshot } from './faults';
export { signJwt, decodeJwt } from './jwt';

import type { IConfigurationProblem } from './diagnosePushConfiguration';

export const SIMULATORS_IN_USE: IConfigurationProblem = {
  code: 'SIMULATORS_IN_USE',
  severity: 'warning',
  message: 'Pushes go to the local APNs and FCM simulators started by this server, not to Apple or Google: no real phone receives them.',
  action:
    'To reach real phones, upload your own APNs and FCM credentials (or choose the push gateway) and restart: the simulators start only while no credentials of your own are configured (PUSH_SIMULATOR=0 turns them off).',
};

/**
 * While the local simulators receive self-configured pushes, their endpoints are overrides too, but "unset
 * PUSH_APN_ENDPOINT" is the wrong advice: replace those warnings with one that says what is going on.
 */
export function explainSimulatorOverrides(problems: readonly IConfigurationProblem[], simulated: boolean): IConfigurationProblem[] {
  if (!simulated) return [...problems];
  const kept = problems.filter((p) => p.code !== 'APN_ENDPOINT_OVERRIDDEN' && p.code !== 'FCM_ENDPOINT_OVERRIDDEN');
  return [...kept, SIMULATORS_IN_USE];
}

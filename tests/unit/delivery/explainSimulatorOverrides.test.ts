import { explainSimulatorOverrides, SIMULATORS_IN_USE } from '../../../lib/delivery/explainSimulatorOverrides';
import type { IConfigurationProblem } from '../../../lib/delivery/diagnosePushConfiguration';

const problem = (code: string, severity: 'error' | 'warning' = 'warning'): IConfigurationProblem => ({ code, severity, message: code, action: 'x' });

describe('explainSimulatorOverrides', () => {
  const list = [problem('APN_ENDPOINT_OVERRIDDEN'), problem('FCM_ENDPOINT_OVERRIDDEN'), problem('APN_CERT_EXPIRED', 'error')];

  it('replaces the "unset the endpoint" advice with one simulator notice while the simulators receive the pushes', () => {
    expect(explainSimulatorOverrides(list, true).map((p) => p.code)).toEqual(['APN_CERT_EXPIRED', SIMULATORS_IN_USE.code]);
  });

  it('leaves the list alone otherwise', () => {
    expect(explainSimulatorOverrides(list, false)).toEqual(list);
  });
});

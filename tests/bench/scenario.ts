/** One row of the benchmark's result (SPEC §9 JSON shape, plus details). */
export interface ScenarioResult {
  name: string;
  value: number;
  unit: string;
  /** The same work done the simplest way, measured in the same run (null when there is none, e.g. latency). */
  ceiling: number | null;
  /** value / ceiling (null without a ceiling). */
  ratio: number | null;
  better: 'lower' | 'higher';
  /** The target the spec or issue sets for the ratio or the value, when there is one. */
  target?: string;
  /** Peak resident set size of the process while the scenario ran (ceiling runs included). */
  peakRssMiB: number;
  /** What was measured and how (repetitions, counts, medians). */
  detail: Record<string, unknown>;
}

export function ratioOf(value: number, ceiling: number | null): number | null {
  if (ceiling === null || ceiling === 0) return null;
  return Math.round((value / ceiling) * 100) / 100;
}

import { writeFileSync } from 'node:fs';
import type { MachineInfo } from './machine';
import type { ScenarioResult } from './scenario';

export interface BenchReport {
  machine: MachineInfo & { database: string; mode: 'quick' | 'full' };
  scenarios: ScenarioResult[];
}

function fmt(value: number | null, unit = ''): string {
  if (value === null || Number.isNaN(value)) return '—';
  const text = Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(value);
  return unit ? `${text} ${unit}` : text;
}

/** The result table as Markdown (it reads fine in a terminal and pastes into the README). */
export function formatTable(report: BenchReport): string {
  const m = report.machine;
  const header = ['scenario', 'value', 'ceiling', 'ratio', 'target', 'peak RSS'];
  const rows = report.scenarios.map((s) => [
    s.name,
    fmt(s.value, s.unit),
    fmt(s.ceiling, s.ceiling === null ? '' : s.unit),
    s.ratio === null ? '—' : `${s.ratio}×`,
    s.target ?? '—',
    `${s.peakRssMiB} MiB`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB, Node ${m.node}, ${m.platform}; database: ${m.database}; ` +
      `${m.mode} run, ${m.date} (load average at start ${m.loadAverage1m})`,
    '',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

export function writeJson(file: string, report: BenchReport): void {
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

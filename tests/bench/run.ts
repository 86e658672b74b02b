/**
 * `npm run bench -- [--quick] [--json FILE]` (SPEC §9): fan-out, delivery and latency on the embedded database
 * (or MONGO_URL) and the local push simulators, each against a ceiling measured in the same run. Progress goes to
 * stderr, the table to stdout, the JSON to FILE. Timing assertions belong here, never in `npm test`.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseArgs } from './args';
import { startBenchEnv, type BenchEnv } from './benchEnv';
import { runDelivery } from './delivery';
import { runFanOut } from './fanout';
import { runLatency } from './latency';
import { machineInfo } from './machine';
import { Progress } from './progress';
import { formatTable, writeJson, type BenchReport } from './report';
import type { ScenarioResult } from './scenario';

const PLANS = {
  full: {
    fanout: [
      { members: 100, repetitions: 15 },
      { members: 1_000, repetitions: 7 },
      { members: 10_000, repetitions: 7 },
    ],
    delivery: { pushes: 20_000, repetitions: 3 },
    latency: { messagesPerSecond: 200, seconds: 20, rooms: 50 },
  },
  quick: {
    fanout: [
      { members: 100, repetitions: 5 },
      { members: 1_000, repetitions: 3 },
      { members: 10_000, repetitions: 2 },
    ],
    delivery: { pushes: 5_000, repetitions: 1 },
    latency: { messagesPerSecond: 200, seconds: 5, rooms: 20 },
  },
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const plan = args.quick ? PLANS.quick : PLANS.full;
  const wants = (name: string) => args.only.length === 0 || args.only.includes(name);
  const machine = machineInfo();
  const progress = new Progress();
  const scenarios: ScenarioResult[] = [];
  let database = '';
  // Each group of scenarios gets a fresh database, host and simulators, and starts from a collected heap: the
  // embedded database lives in this process, so one scenario's documents and garbage would otherwise weigh on
  // the next one's GC pauses.
  const inFreshEnv = async (run: (env: BenchEnv) => Promise<void>) => {
    collectGarbage();
    progress.update('starting the embedded database, the host, the push plugin and the simulators');
    const env = await startBenchEnv(args.inProcessDb ? 'in-process' : 'process');
    database = env.database;
    try {
      await run(env);
    } finally {
      progress.update('stopping');
      await env.close();
    }
  };
  try {
    if (wants('fanout')) await inFreshEnv(async (env) => {
      for (const fanout of plan.fanout) scenarios.push(await runFanOut(env, fanout, progress));
    });
    if (wants('delivery')) await inFreshEnv(async (env) => void scenarios.push(await runDelivery(env, plan.delivery, progress)));
    if (wants('latency')) await inFreshEnv(async (env) => void scenarios.push(...(await runLatency(env, plan.latency, progress))));
  } finally {
    progress.done();
  }
  const report: BenchReport = { machine: { ...machine, database, mode: args.quick ? 'quick' : 'full' }, scenarios };
  process.stdout.write(`${formatTable(report)}\n`);
  if (args.json) {
    writeJson(args.json, report);
    process.stdout.write(`\nJSON written to ${args.json}\n`);
  }
}

/** A full collection between scenario groups (`--expose-gc` can be switched on at run time). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

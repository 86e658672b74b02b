export interface BenchArgs {
  quick: boolean;
  json?: string;
  /** Run only these scenarios (`fanout`, `delivery`, `latency`); all when empty. */
  only: string[];
  /** Run the embedded database inside the bench process instead of in a process of its own. */
  inProcessDb: boolean;
}

/** `[--quick] [--json FILE] [--only fanout,delivery,latency] [--in-process-db]` */
export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { quick: false, only: [], inProcessDb: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--json') {
      const file = argv[++i];
      if (!file) throw new Error('--json needs a file name');
      args.json = file;
    } else if (arg.startsWith('--json=')) args.json = arg.slice('--json='.length);
    else if (arg === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--in-process-db') args.inProcessDb = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run bench -- [--quick] [--json FILE] [--only fanout,delivery,latency] [--in-process-db]\n');
      process.exit(0);
    } else throw new Error(`unknown argument: ${arg}`);
  }
  return args;
}

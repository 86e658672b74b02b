export interface BenchArgs {
  quick: boolean;
  json?: string;
  /** Run only these scenarios (`fanout`, `delivery`, `latency`); all when empty. */
  only: string[];
}

/** `[--quick] [--json FILE] [--only fanout,delivery,latency]` */
export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { quick: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--json') {
      const file = argv[++i];
      if (!file) throw new Error('--json needs a file name');
      args.json = file;
    } else if (arg.startsWith('--json=')) args.json = arg.slice('--json='.length);
    else if (arg === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run bench -- [--quick] [--json FILE] [--only fanout,delivery,latency]\n');
      process.exit(0);
    } else throw new Error(`unknown argument: ${arg}`);
  }
  return args;
}

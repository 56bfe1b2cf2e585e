// The same loop as kling_bench_loopback with the official openai npm SDK:
// N sequential tasks, each a generic POST /videos then videos.retrieve(id)
// without pause until the task is finished. Prints per_task_ms=<value>.
//   node bench/openai_loop.mjs --url URL --tasks N [--api-key K] [--modules DIR]
// bench/run installs the package into its build directory; DIR is where its
// node_modules is (ES modules ignore NODE_PATH), the current directory by default.
import { createRequire } from 'node:module';
import path from 'node:path';

function argument(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const url = argument('--url');
const tasks = Number.parseInt(argument('--tasks', '0'), 10);
const apiKey = argument('--api-key', process.env.KLING_API_KEY || 'fake-gateway-key');
const modules = argument('--modules', process.cwd());
if (!url || !(tasks > 0)) {
  console.error('usage: node openai_loop.mjs --url URL --tasks N [--api-key K] [--modules DIR]');
  process.exit(2);
}

const require = createRequire(path.join(path.resolve(modules), 'package.json'));
const { default: OpenAI } = await import(require.resolve('openai'));
const client = new OpenAI({ apiKey, baseURL: `${url.replace(/\/$/, '')}/v1`, maxRetries: 0 });

const finished = new Set(['completed', 'failed']);
const started = process.hrtime.bigint();
for (let i = 0; i < tasks; ++i) {
  const body = { model: 'Kling-V2.6', prompt: 'A cat playing in a sunny garden' };
  let task = await client.post('/videos', { body });
  while (!finished.has(task.status)) task = await client.videos.retrieve(task.id);
  if (task.status !== 'completed') {
    console.error(`openai_loop: task ${i + 1} finished ${task.status}`);
    process.exit(1);
  }
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`per_task_ms=${(ms / tasks).toFixed(4)}`);
console.log(`tasks_per_second=${((tasks * 1000) / ms).toFixed(1)}`);

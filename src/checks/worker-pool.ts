/**
 * One command's check workers: long-lived Python processes (check_worker.py), one per core, shared
 * by the cfn-lint and checkov gates. Starting a tool costs more than checking a service template
 * with it (cfn-lint about 0.9 s, checkov about 1.7 s, against 0.3-0.7 s per service template), so
 * each worker imports a tool once, on its first task for it or as soon as it is started
 * (`prestart`), and then takes template after template.
 *
 * Tasks are ordered by estimated cost, largest first, and handed out as workers become free, so
 * the services stack (the largest template by far at 100 services) starts first and the small
 * ones fill the gaps. A worker keeps to the tools it has started; it starts another only when that
 * tool's queued work, shared with the workers already running it, is larger than the start-up it
 * would pay (see `chooseTask`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type CheckTool = 'cfn-lint' | 'checkov';

/** Seconds of CPU a worker spends importing a tool before its first template (2-core EPYC). */
export const TOOL_START_SECONDS: Readonly<Record<CheckTool, number>> = { 'cfn-lint': 0.9, checkov: 1.7 };

export interface CheckTask {
  readonly tool: CheckTool;
  /** Command-line options for cfn-lint (files excluded); checkov takes none. */
  readonly args?: readonly string[];
  readonly files: readonly string[];
  /** cfn-lint: run only these rules, or all but these (default: all). */
  readonly rules?: { readonly only: readonly string[] } | { readonly except: readonly string[] };
  /** Estimated CPU-seconds: only the order and the comparison with start-up costs matter. */
  readonly cost: number;
}

export const PYTHON = path.join('.venv', 'bin', 'python');

/** The worker script: beside this module in the source tree, under src/checks from the CLI bundle. */
export function workerScript(): string {
  const candidates = [path.join(__dirname, 'check_worker.py'), path.join(__dirname, '..', 'src', 'checks', 'check_worker.py')];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`check_worker.py not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Which queued task a free worker takes (an index into `queue`), or undefined to wait.
 * `mine`: tools this worker has started; `others`: the tools each other live worker has started.
 */
export function chooseTask(mine: ReadonlySet<CheckTool>, others: readonly ReadonlySet<CheckTool>[], queue: readonly CheckTask[]): number | undefined {
  const costliest = (accept: (task: CheckTask) => boolean): number | undefined => {
    let best: number | undefined;
    queue.forEach((task, index) => {
      if (accept(task) && (best === undefined || task.cost > queue[best].cost)) best = index;
    });
    return best;
  };
  const own = costliest((task) => mine.has(task.tool));
  if (own !== undefined) return own;
  const unstarted = costliest((task) => !others.some((tools) => tools.has(task.tool)));
  if (unstarted !== undefined) return unstarted;
  // Every queued tool runs elsewhere: join one only if this worker's share of its queue is
  // worth more than starting the tool.
  let chosen: CheckTool | undefined;
  let margin = 0;
  for (const tool of new Set(queue.map((task) => task.tool))) {
    const running = others.filter((tools) => tools.has(tool)).length;
    const backlog = queue.filter((task) => task.tool === tool).reduce((sum, task) => sum + task.cost, 0);
    const gain = backlog / (running + 1) - TOOL_START_SECONDS[tool];
    if (gain > margin) [chosen, margin] = [tool, gain];
  }
  return chosen === undefined ? undefined : costliest((task) => task.tool === chosen);
}

/** What one worker did with one task, for `make bench` (times in ms since the pool was created). */
export interface TaskRecord {
  readonly worker: number;
  readonly tool: CheckTool;
  readonly files: readonly string[];
  readonly rules?: CheckTask['rules'];
  readonly cost: number;
  readonly started: number;
  readonly ended: number;
  /** CPU-seconds the worker spent on it (its first task of a tool includes the tool's import). */
  readonly cpu: number;
}

interface Pending {
  readonly id: number;
  readonly task: CheckTask;
  readonly resolve: (report: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Reply {
  readonly id: number;
  readonly report?: unknown;
  readonly error?: string;
  readonly cpu?: number;
}

interface Holdable {
  ref?(): unknown;
  unref?(): unknown;
}

class Worker {
  readonly tools = new Set<CheckTool>();
  current: Pending | undefined;
  startedAt = 0;
  dead: Error | undefined;
  private stdout = '';
  private stderr = '';

  constructor(private readonly child: ChildProcess, private readonly onFree: (done: Pending | undefined, cpu: number) => void) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.read(chunk));
    // The tools' own warnings; kept (the last 64 KB) for the message if the worker dies.
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-65536);
    });
    child.on('error', (error) => this.fail(new Error(`cannot run ${PYTHON} (${error.message}); run \`make install\``)));
    child.on('exit', (code, signal) => this.fail(new Error(`check worker exited (${signal ?? code})${this.stderr ? `:\n${this.stderr}` : ''}`)));
    child.stdin?.on('error', () => undefined); // a dead worker's pipe: reported through 'exit'
  }

  start(pending: Pending, now: number): void {
    this.current = pending;
    this.startedAt = now;
    this.tools.add(pending.task.tool);
    const { tool, args, files, rules } = pending.task;
    this.child.stdin?.write(`${JSON.stringify({ id: pending.id, tool, args: args ?? [], files, ...(rules ? { rules } : {}) })}\n`);
  }

  /**
   * Whether this process waits for the worker: a started worker that no task has claimed yet must
   * not keep a command alive that ends (or fails) before it checks anything.
   */
  hold(held: boolean): void {
    // Node types the pipes as plain streams; they are sockets, which can be unreferenced too.
    const pipes = [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as (Holdable | null)[];
    for (const handle of [this.child, ...pipes]) {
      if (held) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  kill(): void {
    if (!this.dead && this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      // A process that never started may not emit 'exit' (Node documents 'exit' after 'error' as optional).
      if (this.dead || this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.hold(true);
      this.child.kill();
    });
  }

  private read(chunk: string): void {
    this.stdout += chunk;
    let newline: number;
    while ((newline = this.stdout.indexOf('\n')) >= 0) {
      const line = this.stdout.slice(0, newline);
      this.stdout = this.stdout.slice(newline + 1);
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        this.fail(new Error(`check worker sent an unreadable reply: ${line.slice(0, 200)}`));
        this.child.kill();
        return;
      }
      const pending = this.current;
      if (!pending || pending.id !== reply.id) continue;
      this.current = undefined;
      if (reply.error !== undefined) pending.reject(new Error(`${pending.task.tool} failed on ${pending.task.files.join(' ')}:\n${reply.error}`));
      else pending.resolve(reply.report);
      this.onFree(pending, reply.cpu ?? 0);
    }
  }

  private fail(error: Error): void {
    if (this.dead) return;
    this.dead = error;
    this.current?.reject(error);
    this.current = undefined;
    this.onFree(undefined, 0);
  }
}

/** Pre-started workers no task has claimed yet: killed if this process exits first. */
const UNCLAIMED = new Set<Worker>();
process.once('exit', () => UNCLAIMED.forEach((worker) => worker.kill()));

export interface PoolOptions {
  /** Worker processes; default: one per core. */
  readonly workers?: number;
}

export class CheckPool {
  private readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly created = process.hrtime.bigint();
  /** Every task run so far, in the order they ended. */
  readonly records: TaskRecord[] = [];
  private nextId = 1;
  private dispatchScheduled = false;
  private closed = false;

  constructor(private readonly root: string, options: PoolOptions = {}) {
    this.size = Math.max(1, options.workers ?? os.availableParallelism());
  }

  /** Process ids of the live workers. */
  get pids(): number[] {
    return this.workers.filter((worker) => !worker.dead).map((worker) => worker.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** Queues a task; tasks queued in the same tick are ordered together before any is started. */
  run(task: CheckTask): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('check pool is closed'));
    for (const worker of this.workers) {
      if (UNCLAIMED.delete(worker)) worker.hold(true);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      if (!this.dispatchScheduled) {
        this.dispatchScheduled = true;
        setImmediate(() => {
          this.dispatchScheduled = false;
          this.dispatch();
        });
      }
    });
  }

  /**
   * Ends every worker at once: after a run they are idle (or still importing a tool they were
   * started with and never needed); after a failure some may be busy, and queued tasks are rejected.
   */
  async close(): Promise<void> {
    this.closed = true;
    const abandoned = new Error('check pool closed before the task ran');
    this.queue.splice(0).forEach((pending) => pending.reject(abandoned));
    this.workers.forEach((worker) => UNCLAIMED.delete(worker));
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  /**
   * Starts the workers now, each importing one of `tools` (in turn) before its first task, so the
   * imports overlap whatever the caller does before it has tasks. Until a task is queued they do
   * not keep this process alive, and they are killed when it exits: a command that fails before
   * it checks anything neither waits for them nor leaves them behind.
   */
  prestart(tools: readonly CheckTool[]): void {
    for (let i = this.workers.length; i < this.size && tools.length > 0; i += 1) {
      const worker = this.spawnWorker(tools[i % tools.length]);
      worker.hold(false);
      UNCLAIMED.add(worker);
    }
  }

  private spawnWorker(preload?: CheckTool): Worker {
    const args = [workerScript(), ...(preload ? ['--preload', preload] : [])];
    const child = spawn(path.join(this.root, PYTHON), args, { cwd: this.root, stdio: ['pipe', 'pipe', 'pipe'] });
    const index = this.workers.length;
    const worker: Worker = new Worker(child, (done, cpu) => {
      if (done) {
        const { tool, files, rules, cost } = done.task;
        this.records.push({ worker: index, tool, files, ...(rules ? { rules } : {}), cost, started: worker.startedAt, ended: this.now(), cpu });
      }
      this.dispatch();
    });
    if (preload) worker.tools.add(preload);
    this.workers.push(worker);
    return worker;
  }

  private dispatch(): void {
    while (this.workers.length < Math.min(this.size, this.queue.length + this.busy())) this.spawnWorker();
    const live = this.workers.filter((worker) => !worker.dead);
    if (live.length === 0 && this.workers.length > 0) {
      const error = this.workers[0].dead ?? new Error('no check worker is running');
      this.queue.splice(0).forEach((pending) => pending.reject(error));
      return;
    }
    for (const worker of live) {
      if (worker.current || this.queue.length === 0) continue;
      const others = live.filter((other) => other !== worker).map((other) => other.tools);
      const index = chooseTask(worker.tools, others, this.queue.map((pending) => pending.task));
      if (index === undefined) continue;
      const [pending] = this.queue.splice(index, 1);
      worker.start(pending, this.now());
    }
  }

  private now(): number {
    return Number(process.hrtime.bigint() - this.created) / 1e6;
  }

  private busy(): number {
    return this.workers.filter((worker) => worker.current && !worker.dead).length;
  }
}

// How the tool calls of one response run (0.169.0: its exec_command calls concurrently, every
// other call alone after the ones before it).
import type { ToolCallItem } from '@codex-ts/protocol';
import type { ToolHandler } from '../tools/tool-handler.js';

/**
 * The calls of one response grouped as 0.169.0 runs them: consecutive calls the handler marks
 * parallel (`ToolHandler.supportsParallel`) form one batch run concurrently; any other call is a
 * batch of its own, run after the batch before it finished.
 */
export function parallelBatches(calls: readonly ToolCallItem[], tools: ToolHandler): ToolCallItem[][] {
  const batches: ToolCallItem[][] = [];
  let open: ToolCallItem[] | undefined;
  for (const call of calls) {
    if (tools.supportsParallel?.(call) === true) {
      if (open === undefined) {
        open = [];
        batches.push(open);
      }
      open.push(call);
    } else {
      open = undefined;
      batches.push([call]);
    }
  }
  return batches;
}

/**
 * The steps of several `runTool` generators as they come, each with its generator's index. The
 * first failure is thrown once it arrives (the others keep running to their own end: a turn abort
 * stops them all).
 */
export async function* mergeSteps<T>(runs: AsyncGenerator<T>[]): AsyncGenerator<[number, T]> {
  const next = (i: number) => {
    const step = (runs[i] as AsyncGenerator<T>).next().then((result) => ({ i, result }));
    step.catch(() => {});
    return step;
  };
  const pending = new Map(runs.map((_, i) => [i, next(i)]));
  while (pending.size > 0) {
    const { i, result } = await Promise.race(pending.values());
    if (result.done) {
      pending.delete(i);
      continue;
    }
    pending.set(i, next(i));
    yield [i, result.value];
  }
}

import {
  customToolCallOutput,
  functionCallOutput,
  type ResponseItem,
  type ToolCallItem,
  toolCallId,
} from '@codex-ts/protocol';
import { v7 as uuidv7 } from 'uuid';
import type { Tool } from '../registry.js';
import type { ToolContext } from '../tool-handler.js';

/** A step's status in `update_plan` arguments. */
export type PlanStepStatus = 'pending' | 'in_progress' | 'completed';

/** The arguments of an `update_plan` call (codex-rs `protocol/src/plan_tool.rs` `UpdatePlanArgs`). */
export interface UpdatePlanArgs {
  explanation?: string | null | undefined;
  plan: { step: string; status: PlanStepStatus }[];
}

/** The `description` of `update_plan`, as the original. */
export const UPDATE_PLAN_TOOL_DESCRIPTION =
  'Updates the task plan.\nProvide an optional explanation and a list of plan items, each with a step and status.\nAt most one step can be in_progress at a time.\n';

/** What `update_plan` answers on success. */
export const PLAN_UPDATED = 'Plan updated';

/**
 * The `update_plan` function tool definition (codex-rs `tools/src/plan_tool.rs`), key order as the
 * original serializes it: `{"type":"function","name":"update_plan","description":…,"strict":false,
 * "parameters":{"type":"object","properties":{"explanation":…,"plan":{"type":"array",…}},"required":["plan"],"additionalProperties":false}}`.
 * codex-cli 0.169.0 does not send this tool to gpt-5.5 in `codex exec`; the step and status
 * schemas follow the strings present in that release (no per-field descriptions besides
 * `explanation` and `plan`, `status` as an enum).
 */
export function updatePlanToolSpec(): Record<string, unknown> {
  return {
    type: 'function',
    name: 'update_plan',
    description: UPDATE_PLAN_TOOL_DESCRIPTION,
    strict: false,
    parameters: {
      type: 'object',
      properties: {
        explanation: { type: 'string', description: 'Optional explanation for this plan update.' },
        plan: {
          type: 'array',
          description: 'The list of steps',
          items: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] },
              step: { type: 'string' },
            },
            required: ['step', 'status'],
            additionalProperties: false,
          },
        },
      },
      required: ['plan'],
      additionalProperties: false,
    },
  };
}

const STATUSES: readonly string[] = ['pending', 'in_progress', 'completed'];

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a sequence';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  return `${typeof value} \`${String(value)}\``;
}

/**
 * Parses and checks `update_plan` arguments (JSON text): an object with `plan` (array of
 * `{step: string, status: pending|in_progress|completed}`, no other keys) and an optional string
 * `explanation`. @throws Error naming the offending field (the tool prefixes
 * `failed to parse function arguments: `).
 */
export function parseUpdatePlanArgs(text: string): UpdatePlanArgs {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(error instanceof Error ? error.message : String(error));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`invalid type: ${typeName(value)}, expected struct UpdatePlanArgs`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'explanation' && key !== 'plan') {
      throw new Error(`unknown field \`${key}\`, expected \`explanation\` or \`plan\``);
    }
  }
  const { explanation, plan } = record;
  if (explanation !== undefined && explanation !== null && typeof explanation !== 'string') {
    throw new Error(`invalid type: ${typeName(explanation)}, expected a string`);
  }
  if (plan === undefined) throw new Error('missing field `plan`');
  if (!Array.isArray(plan)) throw new Error(`invalid type: ${typeName(plan)}, expected a sequence`);
  const steps = plan.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`invalid type: ${typeName(entry)}, expected struct PlanItemArg`);
    }
    const item = entry as Record<string, unknown>;
    for (const key of Object.keys(item)) {
      if (key !== 'step' && key !== 'status') {
        throw new Error(`unknown field \`${key}\`, expected \`step\` or \`status\``);
      }
    }
    if (item.step === undefined) throw new Error('missing field `step`');
    if (typeof item.step !== 'string')
      throw new Error(`invalid type: ${typeName(item.step)}, expected a string`);
    if (item.status === undefined) throw new Error('missing field `status`');
    if (typeof item.status !== 'string' || !STATUSES.includes(item.status)) {
      throw new Error(
        typeof item.status === 'string'
          ? `unknown variant \`${item.status}\`, expected one of \`pending\`, \`in_progress\`, \`completed\``
          : `invalid type: ${typeName(item.status)}, expected a string`,
      );
    }
    return { step: item.step, status: item.status as PlanStepStatus };
  });
  return { explanation: explanation as string | null | undefined, plan: steps };
}

/**
 * The `update_plan` tool (codex-rs `core/src/tools/handlers/plan.rs`) as a {@link Tool}: a
 * `function_call` whose `arguments` are {@link UpdatePlanArgs} answers `function_call_output`
 * `Plan updated` (`id` `fco_<uuidv7>`) and reports the plan as a `todo_list` item
 * (`items: [{text: step, completed: status === 'completed'}]`) through `ctx.emit`: phase `started`
 * for the first plan of a turn, `updated` for later ones, all with the key `update_plan:<turnId>`
 * (the exec printer completes the item at turn end, as `codex exec` does). Bad arguments answer
 * `failed to parse function arguments: <reason>` and report nothing; a `custom_tool_call` answers
 * `update_plan handler received unsupported payload`.
 *
 * 0.169.0 does not offer this tool to gpt-5.5 in `codex exec`, so it is not in the default exec
 * tool set; a host registers it (`registry.register(updatePlanTool())`).
 */
export function updatePlanTool(): Tool {
  let planTurn: string | undefined;
  return {
    name: 'update_plan',
    spec: updatePlanToolSpec(),
    async handle(call: ToolCallItem, context: ToolContext): Promise<ResponseItem> {
      const callId = toolCallId(call) ?? '';
      if (call.type !== 'function_call') {
        const text = 'update_plan handler received unsupported payload';
        return call.type === 'custom_tool_call'
          ? customToolCallOutput(callId, text, { id: `ctco_${uuidv7()}` })
          : functionCallOutput(callId, text, `fco_${uuidv7()}`);
      }
      const reply = (text: string) => functionCallOutput(callId, text, `fco_${uuidv7()}`);
      let args: UpdatePlanArgs;
      try {
        args = parseUpdatePlanArgs(call.arguments);
      } catch (error) {
        return reply(`failed to parse function arguments: ${(error as Error).message}`);
      }
      const first = planTurn !== context.turnId;
      planTurn = context.turnId;
      context.emit({
        phase: first ? 'started' : 'updated',
        key: `update_plan:${context.turnId}`,
        item: {
          type: 'todo_list',
          items: args.plan.map(({ step, status }) => ({ text: step, completed: status === 'completed' })),
        },
      });
      return reply(PLAN_UPDATED);
    },
  };
}

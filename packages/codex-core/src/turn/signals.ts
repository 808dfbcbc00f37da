// Turn signals that are not model output: the server-side model reroute warning and the token
// count the turn reports before a context-window error (codex-rs `core/src/session`:
// `maybe_warn_on_server_model_mismatch`, `set_total_tokens_full`).

import { type ResponseItem, type TokenUsage, userMessage } from '@codex-ts/protocol';

/** Why the server answered with another model; the only reason 0.169.0 knows. */
export type ModelRerouteReason = 'HighRiskCyberActivity';

/**
 * The `warning` a turn emits after a reroute, word for word as codex-cli 0.169.0 printed it: it
 * always names `gpt-5.2` and `gpt-5.3-codex`, whatever the models involved.
 */
export const MODEL_REROUTE_WARNING =
  'Your account was flagged for potentially high-risk cyber activity and this request was routed to gpt-5.2 as a fallback. To regain access to gpt-5.3-codex, apply for trusted access: https://chatgpt.com/cyber or learn more: https://developers.openai.com/codex/concepts/cyber-safety';

/**
 * The `warning` a turn emits before `turn.started` when the session's model is not in the models
 * catalog (no exact or prefix entry) and request settings fell back to defaults, word for word as
 * codex-cli 0.169.0 printed it (upstream `codex-rs/core/src/session`
 * `maybe_emit_unknown_model_warning_for_turn`, once per turn; `exec --json` shows it as an `error`
 * item, human output as `warning: <text>` on stderr).
 */
export function fallbackModelMetadataWarning(model: string): string {
  return `Model metadata for \`${model}\` not found. Defaulting to fallback metadata; this can degrade performance and cause issues.`;
}

/** Whether `serverModel` (an `openai-model` value) names another model than `requested` (ASCII case ignored). */
export function isReroute(requested: string, serverModel: string): boolean {
  return requested.toLowerCase() !== serverModel.toLowerCase();
}

/**
 * The `user` message the original records into the history after a reroute warning:
 * `Warning: <text>` (sent with every later request of the conversation).
 */
export function modelWarningMessage(text: string): ResponseItem {
  return userMessage(`Warning: ${text}`);
}

/**
 * The token count reported before a context-window error: the last and total usage with
 * `totalTokens` set to the model's context window (tokens), or to the turn's total so far when the
 * window is unknown.
 */
export function contextWindowTokenCount(
  last: TokenUsage | undefined,
  total: TokenUsage,
  contextWindow: number | undefined,
): { last: TokenUsage; total: TokenUsage } {
  const totalTokens = contextWindow ?? total.totalTokens;
  return { last: { ...(last ?? total), totalTokens }, total: { ...total, totalTokens } };
}

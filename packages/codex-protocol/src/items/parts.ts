import { z } from 'zod';
import { isRecord, type WriteOptions, writeOrdered } from '../internal/ordered.js';
import { compileSpecs, specsByType, wireValues } from './wire-rules.js';

/** `detail` of an `input_image` part: `auto | low | high | original`. User images default to `high`. */
export const ImageDetailSchema = z.enum(['auto', 'low', 'high', 'original']);
/** See {@link ImageDetailSchema}. */
export type ImageDetail = z.infer<typeof ImageDetailSchema>;

/** `phase` of an assistant `message` item: interim `commentary` or the turn's `final_answer`. */
export const MessagePhaseSchema = z.enum(['commentary', 'final_answer']);
/** See {@link MessagePhaseSchema}. */
export type MessagePhase = z.infer<typeof MessagePhaseSchema>;

/**
 * `internal_chat_message_metadata_passthrough` on items: an object such as
 * `{"turn_id":"…","create_time":1787000000.2}` (create_time in unix seconds). Kept verbatim;
 * omitted from the wire when unset.
 */
export const InternalChatMessageMetadataPassthroughSchema = z.looseObject({
  turn_id: z.string().optional(),
});
/** See {@link InternalChatMessageMetadataPassthroughSchema}. */
export type InternalChatMessageMetadataPassthrough = z.infer<
  typeof InternalChatMessageMetadataPassthroughSchema
>;

/** `{"type":"input_text","text":…}`: text sent to the model. */
export const InputTextContentSchema = z.looseObject({ type: z.literal('input_text'), text: z.string() });
/** `{"type":"input_image","image_url":…,"detail"?:…}`: an image by URL or `data:` URL. */
export const InputImageContentSchema = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string(),
  detail: ImageDetailSchema.optional(),
});
/** `{"type":"input_audio","audio_url":…}`: audio by URL or `data:` URL. */
export const InputAudioContentSchema = z.looseObject({
  type: z.literal('input_audio'),
  audio_url: z.string(),
});
/** `{"type":"output_text","text":…}`: text produced by the model. */
export const OutputTextContentSchema = z.looseObject({ type: z.literal('output_text'), text: z.string() });

/** An `input_text` part. */
export type InputTextContent = z.infer<typeof InputTextContentSchema>;
/** An `input_image` part. */
export type InputImageContent = z.infer<typeof InputImageContentSchema>;
/** An `input_audio` part. */
export type InputAudioContent = z.infer<typeof InputAudioContentSchema>;
/** An `output_text` part. */
export type OutputTextContent = z.infer<typeof OutputTextContentSchema>;

/**
 * A message content part whose `type` this package does not know (e.g. `refusal`). The wire object
 * is kept whole in `raw` and written back verbatim; the wrapper's `type` is always `'other'` so
 * that `part.type === 'output_text'` narrows correctly.
 */
export interface OtherContentItem {
  type: 'other';
  /** The part exactly as received, including its own `type`. */
  raw: { type: string; [key: string]: unknown };
}

/**
 * One part of a `message` item's `content`: `input_text`, `input_image`, `input_audio`,
 * `output_text`, or an {@link OtherContentItem} holding a part of unknown type.
 */
export type ContentItem =
  | InputTextContent
  | InputImageContent
  | InputAudioContent
  | OutputTextContent
  | OtherContentItem;

/** Builds a zod schema that validates objects whose `type` is known and wraps the others. */
function openUnion<K extends Record<string, z.ZodType>, O>(
  label: string,
  known: K,
  wrap: (raw: { type: string; [key: string]: unknown }) => O,
) {
  return z.unknown().transform((value, ctx): z.output<K[keyof K]> | O => {
    if (!isRecord(value) || typeof value.type !== 'string') {
      ctx.addIssue({
        code: 'custom',
        message: `${label} must be an object with a string "type"`,
        input: value,
      });
      return z.NEVER;
    }
    const schema = Object.hasOwn(known, value.type) ? known[value.type] : undefined;
    if (schema === undefined) return wrap({ ...value, type: value.type });
    const result = schema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ ...issue });
      return z.NEVER;
    }
    return result.data as z.output<K[keyof K]>;
  });
}

/** Internal: shared by the item schemas; not part of the public entry point. */
export { openUnion };

/** Zod schema for {@link ContentItem}; unknown part types become {@link OtherContentItem}. */
export const ContentItemSchema: z.ZodType<ContentItem, unknown> = openUnion(
  'content item',
  {
    input_text: InputTextContentSchema,
    input_image: InputImageContentSchema,
    input_audio: InputAudioContentSchema,
    output_text: OutputTextContentSchema,
  },
  (raw): OtherContentItem => ({ type: 'other', raw }),
).register(wireValues, { writer: 'part' });

/** `{"type":"encrypted_content","encrypted_content":…}`: an opaque part (tool outputs, agent messages). */
const EncryptedContentPartSchema = z.looseObject({
  type: z.literal('encrypted_content'),
  encrypted_content: z.string(),
});

/** One element of an array-valued `function_call_output.output` / `custom_tool_call_output.output`. */
export const FunctionCallOutputContentItemSchema = z
  .discriminatedUnion('type', [
    InputTextContentSchema,
    InputImageContentSchema,
    InputAudioContentSchema,
    EncryptedContentPartSchema,
  ])
  .register(wireValues, { writer: 'part' });
/** See {@link FunctionCallOutputContentItemSchema}. */
export type FunctionCallOutputContentItem = z.infer<typeof FunctionCallOutputContentItemSchema>;

/**
 * `output` of `function_call_output` and `custom_tool_call_output`: a plain string or an
 * array of content items. The original's internal `success` flag is never on the wire.
 */
export const FunctionCallOutputPayloadSchema = z
  .union([z.string(), z.array(FunctionCallOutputContentItemSchema)])
  .register(wireValues, { writer: 'output' });
/** See {@link FunctionCallOutputPayloadSchema}. */
export type FunctionCallOutputPayload = z.infer<typeof FunctionCallOutputPayloadSchema>;

/** A reasoning summary part: `{"type":"summary_text","text":…}`. */
export const ReasoningSummaryPartSchema = z
  .looseObject({ type: z.literal('summary_text'), text: z.string() })
  .register(wireValues, { writer: 'part' });
/** See {@link ReasoningSummaryPartSchema}. */
export type ReasoningSummaryPart = z.infer<typeof ReasoningSummaryPartSchema>;

/** A raw reasoning content part: `{"type":"reasoning_text"|"text","text":…}`. */
export const ReasoningContentPartSchema = z
  .looseObject({ type: z.enum(['reasoning_text', 'text']), text: z.string() })
  .register(wireValues, { writer: 'part' });
/** See {@link ReasoningContentPartSchema}. */
export type ReasoningContentPart = z.infer<typeof ReasoningContentPartSchema>;

/** A part of an `agent_message` item's content: `input_text{text}` or `encrypted_content{encrypted_content}`. */
export const AgentMessageContentSchema = z
  .discriminatedUnion('type', [InputTextContentSchema, EncryptedContentPartSchema])
  .register(wireValues, { writer: 'part' });
/** See {@link AgentMessageContentSchema}. */
export type AgentMessageContent = z.infer<typeof AgentMessageContentSchema>;

// ---- serialisation of parts (wire key order) ----

/**
 * Internal: the field rules of every part type, derived from the part schemas (shape order is
 * the wire order); a part schema typed by an enum gives one entry per value.
 */
export const PART_SPECS = specsByType([
  InputTextContentSchema,
  OutputTextContentSchema,
  ReasoningSummaryPartSchema,
  ReasoningContentPartSchema,
  InputImageContentSchema,
  InputAudioContentSchema,
  EncryptedContentPartSchema,
]);

const PART_RULES = new Map(Object.entries(PART_SPECS).map(([type, specs]) => [type, compileSpecs(specs)]));

/** Writes one typed part (`{type, …}`) with its wire key order; unknown types are copied as they are. */
export function serializePart(part: unknown, options?: WriteOptions): unknown {
  if (!isRecord(part)) return part;
  if (part.type === 'other' && isRecord(part.raw)) return { ...part.raw };
  const rules = typeof part.type === 'string' ? PART_RULES.get(part.type) : undefined;
  return rules === undefined ? { ...part } : writeOrdered(part, rules, options);
}

/** Writes an array of parts with {@link serializePart}. */
export function serializeParts(parts: unknown, options?: WriteOptions): unknown {
  return Array.isArray(parts) ? parts.map((part) => serializePart(part, options)) : parts;
}

import { extname, resolve } from 'node:path';
import type { ContentItem, ResponseItem } from '@codex-ts/protocol';
import { v7 as uuidv7 } from 'uuid';
import { readFile } from '../internal/fs-async.js';
import { ThreadError } from './thread-error.js';

/** One part of a thread input: text, or an image file on disk (as `codex exec -i <path>`). */
export type UserInput = { type: 'text'; text: string } | { type: 'local_image'; path: string };

/** What a turn is given: a prompt, or text and image parts (text parts are joined by a blank line). */
export type ThreadInput = string | readonly UserInput[];

/** Media types by file extension of the images a `local_image` may be. */
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/**
 * The user message of one turn, as codex-cli 0.169.0 sent `exec -i <image> "<prompt>"`: one
 * `message` (`id` `msg_<uuid v7>`, role `user`) whose content has, for each image in order,
 * `input_text` `<image name=[Image #N] path="<path as given>">`, `input_image` with the file as a
 * `data:<type>;base64,…` URL and `detail: "original"`, and `input_text` `</image>`; then the text
 * parts joined by `\n\n` as one `input_text` (left out when empty). Images are sent as read (no
 * resizing); relative paths are read from `cwd`.
 *
 * @throws ThreadError `invalid_input` when there is neither text nor an image, an image has an
 *   extension other than png/jpg/jpeg/gif/webp, or cannot be read (`cause`: the fs error).
 */
export async function threadInputMessage(input: ThreadInput, cwd: string): Promise<ResponseItem> {
  const parts = typeof input === 'string' ? [{ type: 'text' as const, text: input }] : input;
  const content: ContentItem[] = [];
  const texts: string[] = [];
  let label = 0;
  for (const part of parts) {
    if (part.type === 'text') {
      texts.push(part.text);
      continue;
    }
    const type = IMAGE_TYPES[extname(part.path).toLowerCase()];
    if (type === undefined)
      throw new ThreadError(
        'invalid_input',
        `unsupported image type: ${part.path} (expected png, jpeg, gif or webp)`,
      );
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(cwd, part.path));
    } catch (error) {
      throw new ThreadError('invalid_input', `could not read image ${part.path}`, { cause: error });
    }
    label += 1;
    content.push(
      { type: 'input_text', text: `<image name=[Image #${label}] path="${part.path}">` },
      {
        type: 'input_image',
        image_url: `data:${type};base64,${bytes.toString('base64')}`,
        detail: 'original',
      },
      { type: 'input_text', text: '</image>' },
    );
  }
  const text = texts.join('\n\n');
  if (text.length > 0) content.push({ type: 'input_text', text });
  if (content.length === 0) throw new ThreadError('invalid_input', 'empty input: give a prompt or an image');
  return { type: 'message', id: `msg_${uuidv7()}`, role: 'user', content } as ResponseItem;
}

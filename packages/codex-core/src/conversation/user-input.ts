import { resolve } from 'node:path';
import type { ResponseItem } from '@codex-ts/protocol';
import { v7 as uuidv7 } from 'uuid';
import { readFile } from '../internal/fs-async.js';

/** What one user turn says: the prompt text and local images attached to it (`exec -i`). */
export interface UserTurnInput {
  text: string;
  /** Image paths as the user wrote them (relative ones are read against `cwd`). */
  images?: readonly string[] | undefined;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory (os error 2)',
  EACCES: 'Permission denied (os error 13)',
  EPERM: 'Operation not permitted (os error 1)',
  EISDIR: 'Is a directory (os error 21)',
  ENOTDIR: 'Not a directory (os error 20)',
  ELOOP: 'Too many levels of symbolic links (os error 40)',
  ENAMETOOLONG: 'File name too long (os error 36)',
  EEXIST: 'File exists (os error 17)',
  EROFS: 'Read-only file system (os error 30)',
  ENOSPC: 'No space left on device (os error 28)',
};

/**
 * A filesystem error as the original (Rust `std::io::Error`) prints it, e.g. "No such file or
 * directory (os error 2)", for the common errno codes; other errors give their Node code.
 */
export function ioErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && ERRNO_TEXT[code] !== undefined) return ERRNO_TEXT[code];
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** The image type a file's first bytes announce (PNG, JPEG, GIF, WebP), else undefined. */
export function imageMimeType(bytes: Uint8Array): string | undefined {
  const starts = (sig: readonly number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

/**
 * The user message of a turn as 0.169.0 builds it (`codex exec -i`): for the image at index i
 * (numbered from 1 across all images), `input_text` `<image name=[Image #n] path="<path as
 * given>">`, then `input_image` `data:<mime>;base64,<the file's bytes>` with `detail:
 * "original"`, then `input_text` `</image>`; a file that is not a PNG, JPEG, GIF or WebP
 * image gets `image content omitted because it could not be processed` instead of the image;
 * an unreadable file only `Codex could not read the local image at \`<path>\`: <io error>`
 * (e.g. "No such file or directory (os error 2)"). The prompt text comes last. Never throws
 * for a bad image: the model is told, as the original does. Returns one `message` item with a
 * `msg_<uuidv7>` id.
 */
export async function buildUserTurnInput(input: UserTurnInput, cwd: string): Promise<ResponseItem[]> {
  const content: Record<string, unknown>[] = [];
  const text = (value: string) => content.push({ type: 'input_text', text: value });
  let n = 0;
  for (const path of input.images ?? []) {
    n += 1;
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(cwd, path));
    } catch (error) {
      text(`Codex could not read the local image at \`${path}\`: ${ioErrorText(error)}`);
      continue;
    }
    text(`<image name=[Image #${n}] path=${JSON.stringify(path)}>`);
    const mime = imageMimeType(bytes);
    if (mime === undefined) text('image content omitted because it could not be processed');
    else
      content.push({
        type: 'input_image',
        image_url: `data:${mime};base64,${bytes.toString('base64')}`,
        detail: 'original',
      });
    text('</image>');
  }
  text(input.text);
  return [{ type: 'message', id: `msg_${uuidv7()}`, role: 'user', content } as unknown as ResponseItem];
}

// linkImage(): the one call a build stage (scripts/build-*.ts) or the CLI makes to link one of
// gate86's images from object files on disk. Pure TypeScript, so `npm run build` needs no native tool.

import { readFileSync, writeFileSync } from 'node:fs';
import { LinkError } from './errors.ts';
import { MULTIBOOT_MAGIC, VSYSCALL_PAGE_SIZE, scriptFor } from './images.ts';
import { readElf } from '../../vm/elf/reader.ts';
import type { ImageKind, ImageOptions } from './images.ts';
import { link } from './link.ts';
import type { LinkInput, LinkResult } from './link.ts';
import type { Assignment, LinkScript } from './script.ts';

export interface LinkImageOptions extends ImageOptions {
  /** Which image to make, or a script of your own (-T). */
  image?: ImageKind;
  script?: LinkScript;
  /** Object files: paths to read, or names with bytes already in memory. */
  objects: (string | LinkInput)[];
  /** Write the result here (the bytes are returned either way). */
  output?: string;
  defsyms?: Assignment[];
}

function readInput(object: string | LinkInput): LinkInput {
  if (typeof object !== 'string') return object;
  try {
    return { name: object, bytes: new Uint8Array(readFileSync(object)) };
  } catch (error) {
    throw new LinkError(`${object}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** Does any input bring its own Multiboot header section? Then the kernel script must not add one. */
function hasMultibootSection(inputs: LinkInput[]): boolean {
  return inputs.some((input) => {
    try {
      return readElf(input.bytes, input.name).sections.some((s) => s.name === '.multiboot');
    } catch {
      return false; // link() reports a bad object with the proper message
    }
  });
}

/** A boot loader's search: the magic 0x1BADB002, 4-byte aligned, in the first 8192 bytes, with a valid checksum. */
export function hasMultibootHeader(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = 0; p + 12 <= Math.min(8192, bytes.length); p += 4) {
    if (view.getUint32(p, true) !== MULTIBOOT_MAGIC) continue;
    if (((MULTIBOOT_MAGIC + view.getUint32(p + 4, true) + view.getUint32(p + 8, true)) >>> 0) === 0) return true;
  }
  return false;
}

export function linkImage(options: LinkImageOptions): LinkResult {
  const inputs = options.objects.map(readInput);
  const kind = options.image ?? 'exec';
  const imageOptions: ImageOptions = { ...options };
  if (kind === 'multiboot-kernel' && options.multibootHeader === undefined) imageOptions.multibootHeader = !hasMultibootSection(inputs);
  const script = options.script ?? scriptFor(kind, imageOptions);
  const result = link({
    inputs, script, defsyms: options.defsyms,
    // A -e given with -T overrides the script's ENTRY; the built-in scripts already took it.
    entry: options.script ? options.entry : undefined,
  });
  if (!options.script && kind === 'vsyscall-dso' && result.bytes.length > VSYSCALL_PAGE_SIZE) {
    throw new LinkError(`the vsyscall DSO is ${result.bytes.length} bytes; it must fit in one ${VSYSCALL_PAGE_SIZE}-byte page`);
  }
  if (!options.script && kind === 'multiboot-kernel' && !hasMultibootHeader(result.bytes)) {
    const whose = imageOptions.multibootHeader ? 'the Multiboot header' : 'the inputs\' .multiboot section (with a valid magic and checksum)';
    throw new LinkError(`${whose} did not land in the first 8 KiB of the kernel image, where boot loaders look for it`);
  }
  if (options.output) {
    try {
      writeFileSync(options.output, result.bytes, { mode: kind === 'exec' && !options.script?.shared ? 0o755 : 0o644 });
    } catch (error) {
      throw new LinkError(`${options.output}: cannot write the output: ${(error as Error).message}`);
    }
  }
  return result;
}

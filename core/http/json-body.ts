// Request bodies of the configuration routes: capped in size, parsed as JSON, any failure a 400.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { parseJsonText } from './body-schemas.ts';
import { ValidationError } from '../errors.ts';

// Far above any real configuration (5000 opt-out keys fit), far below anything that could hurt a node.
export const MAX_BODY_BYTES = 256 * 1024;

// A client still uploading when the 400 is sent sees a reset connection instead of the answer; reading
// (and dropping) this much more lets ordinary clients read it, while a flood is still cut off.
const DRAIN_BYTES = 8 * 1024 * 1024;

async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body || body.locked) return;
  const reader = body.getReader();
  let read = 0;
  try {
    while (read < DRAIN_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.length;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing left to answer.
  }
}

export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: async (c) => {
    await drain(c.req.raw.body);
    throw new ValidationError([{ key: 'invalid.body', message: `Cannot read the request body: it is larger than ${MAX_BODY_BYTES} bytes` }]);
  },
});

export async function readJsonBody(c: Context): Promise<unknown> {
  let text: string;
  try {
    text = await c.req.text();
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError([{ key: 'invalid.body', message: 'Cannot read the request body: the connection ended before it was complete' }]);
  }
  return parseJsonText(text);
}

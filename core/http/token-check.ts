// Admin tokens: kept only as SHA-256 digests and compared in constant time, so neither the
// configuration in memory nor response timing gives a token away.

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export type TokenCheck = (presented: string) => Promise<boolean>;

/** Entries are plain tokens or `sha256:<64 hex>` digests of one. */
export async function createTokenCheck(entries: readonly string[]): Promise<TokenCheck> {
  const digests = await Promise.all(
    entries.map((entry) => {
      const m = /^sha256:([0-9a-fA-F]{64})$/.exec(entry);
      return m ? Promise.resolve(fromHex(m[1].toLowerCase())) : sha256(entry);
    }),
  );
  return async (presented) => {
    const digest = await sha256(presented);
    // Every digest is compared, whichever matches, so timing does not tell which entry (or none) matched.
    let found = false;
    for (const known of digests) found = equalBytes(digest, known) || found;
    return found;
  };
}

export function isValidTokenEntry(entry: string): boolean {
  return entry.length >= 1 && (!entry.startsWith('sha256:') || /^sha256:[0-9a-fA-F]{64}$/.test(entry));
}

const BYTE_TO_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Lower-case hex of the bytes (one table lookup per byte: this runs on every request, for key and cache hashes). */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let hex = "";
  for (let index = 0; index < view.length; index += 1) hex += BYTE_TO_HEX[view[index]!];
  return hex;
}

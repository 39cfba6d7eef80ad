/**
 * Serialises JSON the way Meta's webhooks are serialised: every non-ASCII UTF-16 code unit is written as a
 * lowercase `\uXXXX` escape (emoji become surrogate pairs). Signatures are computed over these exact bytes, so
 * the simulator signs what it sends and receivers can verify raw bytes. Written by hand because it is a
 * one-line transform over `JSON.stringify` and no library targets Meta's exact escaping.
 */
export function stringifyAsciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

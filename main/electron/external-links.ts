/** External links open in the OS browser, and only if they parse as http(s) URLs. */
import { shell } from 'electron';

/** Returns true if the URL was handed to the OS browser. */
export function openExternalSafely(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  void shell.openExternal(parsed.toString());
  return true;
}

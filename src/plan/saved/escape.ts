/**
 * Text from a plan file shown on a terminal (`lvs-play show`): every control character (C0, DEL,
 * C1, and the bidirectional/invisible format characters that reorder or hide text) is shown as an
 * escape (`\x1b`, `\u202e`), so a plan cannot hide or rewrite a line on the reviewer's screen.
 * Newlines are kept only where `keepNewlines` says (the lines of a diff).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

function esc(ch: string): string {
  const c = ch.charCodeAt(0);
  return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
}

export function escapeControls(text: string, keepNewlines = false): string {
  const out = text.replace(CONTROL, esc);
  return keepNewlines ? out : out.replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

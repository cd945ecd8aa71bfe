// Canned responses in the composer (issue 20): typing #shortcut opens an inline list; choosing one
// replaces the #token with the response as the server renders it for the conversation
// (CannedResponse.rendered fills the placeholders in).

/** A #token being typed: where it is in the text, and what follows the # (lower case). */
export interface CannedToken {
  /** Index of the #. */
  start: number;
  /** Index just past the token's last character. */
  end: number;
  query: string;
}

const tokenChar = /[a-z0-9_-]/i;

/**
 * The #token at the caret, or null. A token starts with # at the start of the text or after a
 * space or an opening bracket, then a letter, then letters, digits, - or _ (a shortcut's
 * characters): "#ref" and "(#thanks" count, "order #4471" and "a#b" do not.
 */
export function cannedTokenAt(text: string, caret: number): CannedToken | null {
  if (caret < 0 || caret > text.length) return null;
  let start = caret;
  while (start > 0 && tokenChar.test(text[start - 1])) start--;
  if (start === 0 || text[start - 1] !== '#') return null;
  const hash = start - 1;
  if (hash > 0 && !/[\s([{"'“‘]/u.test(text[hash - 1])) return null;
  let end = caret;
  while (end < text.length && tokenChar.test(text[end])) end++;
  const query = text.slice(start, end);
  if (!/^[a-z]/i.test(query)) return null;
  return { start: hash, end, query: query.toLowerCase() };
}

/** The text with token replaced by insertion, and where the caret goes (just after it). */
export function replaceToken(text: string, token: Pick<CannedToken, 'start' | 'end'>, insertion: string): { text: string; caret: number } {
  return { text: text.slice(0, token.start) + insertion + text.slice(token.end), caret: token.start + insertion.length };
}

/** The text with insertion put at the caret (the picker, without a #token): spaced from what is around it. */
export function insertAt(text: string, caret: number, insertion: string): { text: string; caret: number } {
  const before = text.slice(0, caret);
  const after = text.slice(caret);
  const lead = before && !/\s$/.test(before) ? ' ' : '';
  const next = lead + insertion;
  return { text: before + next + after, caret: before.length + next.length };
}

/** The index of the next suggestion for an arrow key, wrapping around; -1 for an empty list. */
export function moveSuggestion(index: number, count: number, delta: 1 | -1): number {
  if (count <= 0) return -1;
  if (index < 0) return delta > 0 ? 0 : count - 1;
  return (index + delta + count) % count;
}

/** The canned response form (create, edit): what the server would refuse, in words. */
export interface CannedForm {
  shortcut: string;
  title: string;
  text: string;
}

/** The shortcut as stored: lower case, without a leading #. */
export function normalShortcut(shortcut: string): string {
  return shortcut.trim().replace(/^#/, '').toLowerCase();
}

export function cannedFormProblems(form: CannedForm, maxText = 10000): Partial<Record<keyof CannedForm, string>> {
  const problems: Partial<Record<keyof CannedForm, string>> = {};
  const shortcut = normalShortcut(form.shortcut);
  if (!/^[a-z0-9_-]{1,50}$/.test(shortcut)) problems.shortcut = 'Use 1 to 50 lower-case letters, digits, - or _ (no spaces).';
  const title = form.title.trim();
  if (!title || [...title].length > 200) problems.title = 'Give it a title of 1 to 200 characters.';
  const text = form.text.trim();
  if (!text) problems.text = 'Write the response.';
  else if ([...text].length > maxText) problems.text = `Too long: at most ${maxText.toLocaleString('en-US')} characters.`;
  return problems;
}

// The keyboard shortcuts, listed once: the help dialog (key ?) shows this list, App and the charts implement it.
import { VIEWS, type View } from '../../../../shared/views';

export interface Shortcut {
  keys: string;
  what: string;
  where: string;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: `Ctrl+1 … Ctrl+${VIEWS.length}`, what: VIEWS.map((v) => v.label).join(', '), where: 'anywhere' },
  { keys: '?', what: 'this list of shortcuts', where: 'anywhere but a text field' },
  { keys: 'Esc', what: 'close the dialog', where: 'a dialog' },
  { keys: 'Tab, Shift+Tab', what: 'next, previous control or chart, in page order', where: 'anywhere' },
  { keys: '], [', what: 'next, previous chart', where: 'a chart' },
  { keys: '←, →', what: 'move the cursor (Shift: ten times as far); the tooltip lists every series there', where: 'a chart' },
  { keys: '+, −', what: 'zoom in, out at the cursor (linked charts follow)', where: 'a chart' },
  { keys: '0', what: 'show the whole x range again', where: 'a chart' },
  { keys: 'Enter, Space', what: 'hide or show a series', where: 'a legend entry' },
  { keys: '/', what: 'search the runs', where: 'Library' },
];

/** The view a key press asks for (Ctrl/Cmd + 1…6, shared/views.ts), or null. */
export function viewForKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): View | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const i = Number(e.key) - 1;
  return Number.isInteger(i) && i >= 0 && i < VIEWS.length ? VIEWS[i].view : null;
}

/** Whether a key press is typing into a field (single-key shortcuts must leave it alone). */
export const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

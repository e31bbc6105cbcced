// The app's views, listed once: the navigation bar, Ctrl+1 … Ctrl+6 and the application menu's View items follow
// this order, and each view has the menu command that opens it.
export const VIEWS = [
  { view: 'new', label: 'New run', command: 'new-run' },
  { view: 'live', label: 'Live run', command: 'live' },
  { view: 'library', label: 'Library', command: 'library' },
  { view: 'compare', label: 'Compare', command: 'compare' },
  { view: 'sweep', label: 'Sweep', command: 'sweep' },
  { view: 'reproduce', label: 'Reproduce', command: 'reproduce' },
] as const;
export type View = (typeof VIEWS)[number]['view'];
export type ViewCommand = (typeof VIEWS)[number]['command'];

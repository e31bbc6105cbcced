// The page's colour scheme follows the system (prefers-color-scheme); charts take the matching chart theme
// (shared/charts/theme.ts), and its background and ink become the CSS variables --chart-bg and --chart-ink of the
// chart frames, so that the colours checked for contrast are the colours on screen.
import type { ChartTheme } from '../../../../shared/charts/theme';
import { DARK_THEME, LIGHT_THEME } from '../../../../shared/charts/theme';

const query = window.matchMedia('(prefers-color-scheme: dark)');

class Theme {
  dark = $state(query.matches);
  get chart(): ChartTheme {
    return this.dark ? DARK_THEME : LIGHT_THEME;
  }
}

export const theme = new Theme();

function apply(dark: boolean): void {
  theme.dark = dark;
  const root = document.documentElement.style;
  root.setProperty('--chart-bg', theme.chart.background);
  root.setProperty('--chart-ink', theme.chart.ink);
}
apply(query.matches);
query.addEventListener('change', (e) => apply(e.matches));

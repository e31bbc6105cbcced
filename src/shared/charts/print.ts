// Figure sizes for print: widths of a paper's columns in points (1/72 in), a default font size and aspect, and
// the pixel size of a PNG at a resolution. The app's export dialog and the CLI's reports use the same numbers.
export const PRINT_WIDTHS = {
  single: { label: 'single column (3.5 in)', pt: 252 },
  onehalf: { label: '1.5 columns (5.5 in)', pt: 396 },
  double: { label: 'double column (7 in)', pt: 504 },
} as const;
export type PrintWidth = keyof typeof PRINT_WIDTHS;
export const PRINT_FONT_PT = 8;
/** Height over width of a figure panel in print (the golden ratio's inverse). */
export const PRINT_ASPECT = 0.618;
export const PRINT_DPI = 300;

/** Pixel size of a figure `width` × `height` in `unit` rasterised at `dpi` (px units: `scale` × the size). */
export function rasterSize(width: number, height: number, unit: 'px' | 'pt', dpi: number, scale = 2): { width: number; height: number } {
  const k = unit === 'pt' ? dpi / 72 : scale;
  return { width: Math.round(width * k), height: Math.round(height * k) };
}

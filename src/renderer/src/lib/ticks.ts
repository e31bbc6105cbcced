// Tick values for symlog axes: 0 and ±10^k inside the domain, thinned so that labels keep `minGap` pixels apart.
export function symlogTicks(scale: { (x: number): number; domain(): number[] }, minGap = 24): number[] {
  const [lo, hi] = scale.domain();
  const candidates = [0];
  for (let k = -6; k <= 6; k++) candidates.push(10 ** k, -(10 ** k));
  const inside = candidates.filter((t) => t >= lo && t <= hi).sort((a, b) => Math.abs(a) - Math.abs(b));
  const kept: number[] = [];
  for (const t of inside) if (kept.every((k) => Math.abs(scale(k) - scale(t)) >= minGap)) kept.push(t);
  return kept.sort((a, b) => a - b);
}

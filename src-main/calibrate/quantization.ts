/**
 * Timestamp quantisation. A duration read from two timestamps that are each rounded down to a step
 * q (1 µs in a default `trace-cmd report`) is Q = floor(a + D) − floor(a) in steps, with a
 * uniform phase a. Given D, Q is floor(D) or floor(D) + 1 with probability frac(D), so
 * E[Q] = E[D]: the mean is unbiased — on average over phases, not cycle by cycle — and
 * Var[Q] = Var[D] + E[frac(D)(1 − frac(D))]. The added term is 1/6 of a step² (the familiar
 * 2·q²/12 of two independent roundings) once D spreads over a step or more, and less for a
 * duration that barely varies (frac(D) near 0 or 1). Pure: must not import node:*, electron or
 * better-sqlite3.
 */

/** E[frac(D)(1 − frac(D))] for D ~ Normal(mean, sd²), everything in steps. */
export function quantizationVariance(mean: number, sd: number): number {
  if (!(sd >= 0) || !Number.isFinite(mean)) return 1 / 6;
  if (sd >= 0.75) return 1 / 6; // frac(D) is uniform to within e^(−11)
  const g = (x: number): number => {
    const f = x - Math.floor(x);
    return f * (1 - f);
  };
  if (sd < 1e-6) return g(mean);
  const points = 400;
  const lo = mean - 6 * sd;
  const h = (12 * sd) / points;
  let acc = 0;
  let wsum = 0;
  for (let i = 0; i <= points; i++) {
    const x = lo + i * h;
    const z = (x - mean) / sd;
    const w = Math.exp(-0.5 * z * z) * (i === 0 || i === points ? 0.5 : 1);
    acc += w * g(x);
    wsum += w;
  }
  return acc / wsum;
}

/**
 * The variance of the durations themselves, from the variance and mean of quantised readings
 * (all in the same unit; `step` in that unit, 0 for exact values).
 */
export function dequantizedVariance(variance: number, mean: number, step: number): number {
  if (!(step > 0)) return variance;
  // from the narrowest reading (as if the durations did not vary), widen until consistent
  let v = Math.max(0, variance - step * step * quantizationVariance(mean / step, 0));
  for (let i = 0; i < 8; i++) v = Math.max(0, variance - step * step * quantizationVariance(mean / step, Math.sqrt(v) / step));
  return v;
}

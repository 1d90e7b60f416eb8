/**
 * The little dense linear algebra the fit needs: a one-sided Jacobi SVD (accurate for the small,
 * possibly rank-deficient matrices of segments × costs), the row space of a matrix, and the
 * weighted least-squares solve restricted to it. Matrices are arrays of rows. Pure: must not
 * import node:*, electron or better-sqlite3.
 */

export type Matrix = number[][];

export interface Svd {
  /** Singular values, descending. */
  s: number[];
  /** Right singular vectors as columns: v[i][k] is component i of vector k. */
  v: Matrix;
  /** Left singular vectors as columns (only for s[k] > 0): u[r][k]. */
  u: Matrix;
}

/** One-sided Jacobi SVD of an m×n matrix (any m, n). */
export function svd(a: Matrix, cols = a[0]?.length ?? 0): Svd {
  const m = a.length;
  const n = cols;
  const w: Matrix = a.map((row) => row.slice(0, n));
  const v: Matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let r = 0; r < m; r++) {
          const x = w[r]![p]!;
          const y = w[r]![q]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let r = 0; r < m; r++) {
          const x = w[r]![p]!;
          const y = w[r]![q]!;
          w[r]![p] = c * x - s * y;
          w[r]![q] = s * x + c * y;
        }
        for (let r = 0; r < n; r++) {
          const x = v[r]![p]!;
          const y = v[r]![q]!;
          v[r]![p] = c * x - s * y;
          v[r]![q] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, k) => Math.sqrt(w.reduce((acc, row) => acc + row[k]! * row[k]!, 0)));
  const order = norms.map((_, k) => k).sort((x, y) => norms[y]! - norms[x]!);
  return {
    s: order.map((k) => norms[k]!),
    v: v.map((row) => order.map((k) => row[k]!)),
    u: w.map((row) => order.map((k) => (norms[k]! > 0 ? row[k]! / norms[k]! : 0))),
  };
}

/** Columns k of the SVD whose singular value is above `relTol` × the largest: a basis of the row space. */
export function rowSpace(a: Matrix, cols: number, relTol = 1e-7): Matrix {
  const d = svd(a, cols);
  const top = d.s[0] ?? 0;
  const keep = d.s.map((s, k) => (top > 0 && s > relTol * top ? k : -1)).filter((k) => k >= 0);
  return keep.map((k) => d.v.map((row) => row[k]!));
}

/** Squared length of the projection of unit vector e_i onto the span of orthonormal `basis` vectors. */
export function projectionOfUnit(basis: Matrix, i: number): number {
  return basis.reduce((acc, b) => acc + b[i]! * b[i]!, 0);
}

/**
 * The matrix K (columns × rows of `a`) of the least-squares solution x = K·y of min ‖√w (a x − y)‖
 * over x in the span of `basis` (orthonormal row vectors of length cols). Null when the weighted
 * problem is degenerate.
 */
export function restrictedSolver(a: Matrix, weights: readonly number[], basis: Matrix, cols: number): Matrix | null {
  const m = a.length;
  const r = basis.length;
  if (r === 0) return Array.from({ length: cols }, () => new Array<number>(m).fill(0));
  // B = √W · A · Vr  (m × r)
  const b: Matrix = a.map((row, i) => {
    const sw = Math.sqrt(weights[i]!);
    return basis.map((vec) => sw * row.reduce((acc, x, j) => acc + x * vec[j]!, 0));
  });
  const d = svd(b, r);
  const top = d.s[0] ?? 0;
  if (!(top > 0) || d.s.some((s) => !(s > 1e-10 * top))) return null;
  // z = V Σ⁻¹ Uᵀ √W y ;  x = Vrᵀ z  → K[j][i] = Σ_k Vr[k][j] · (V Σ⁻¹ Uᵀ)[k][i] · √w_i
  const pinv: Matrix = Array.from({ length: r }, (_, k) =>
    Array.from({ length: m }, (_, i) => {
      let acc = 0;
      for (let l = 0; l < r; l++) acc += (d.v[k]![l]! / d.s[l]!) * d.u[i]![l]!;
      return acc * Math.sqrt(weights[i]!);
    }),
  );
  return Array.from({ length: cols }, (_, j) => Array.from({ length: m }, (_, i) => basis.reduce((acc, vec, k) => acc + vec[j]! * pinv[k]![i]!, 0)));
}

export function matVec(k: Matrix, y: readonly number[]): number[] {
  return k.map((row) => row.reduce((acc, x, i) => acc + x * y[i]!, 0));
}

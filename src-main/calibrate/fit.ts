/**
 * The fit: which costs the segments determine, and their values. With y the measured minus the
 * simulated segment means and A the coefficients, the change of the costs x solves min ‖√W(A x −
 * y)‖ (W = 1/variance of each row) over the directions the segments can see — the row space of
 * A — and is zero in every other direction. So a cost the segments fix on its own is fitted; a
 * cost they fix only in a sum moves with that sum, in proportion to its base value (the change is
 * the smallest relative to each cost's size); a cost no segment depends on keeps its value.
 * Which is which is decided by the structure of A (rank, projection of each cost's unit vector on
 * the row space), never by noise. A solution below 0 is held at 0 and the rest refitted. The
 * solve is linear, so the bootstrap reuses it. Pure: must not import node:*, electron or
 * better-sqlite3.
 */
import type { CostOrigin } from '../../src-shared/calibration.js';
import { matVec, projectionOfUnit, restrictedSolver, rowSpace, type Matrix } from './linalg.js';

export interface LinearSolution {
  origin: CostOrigin[];
  sumWith: number[][];
  /** Rows (by index) whose coefficient for the cost is not zero. */
  rowsOf: number[][];
  /** Costs held at their lower bound. */
  held: number[];
  /** x for a target vector y (same row order as built). */
  solve(y: readonly number[]): number[];
}

const ALONE = 1 - 1e-6;
const NONE = 1e-9;

/**
 * @param a rows × costs coefficients
 * @param current the costs' values the coefficients were taken at
 * @param scale per cost: changes are measured relative to it (√base)
 * @param weights per row
 * @param lower per cost lower bound
 * @param y the target at the point estimate (to find the bounds that bind)
 */
export function linearSolution(a: Matrix, current: readonly number[], scale: readonly number[], weights: readonly number[], lower: readonly number[], y: readonly number[]): LinearSolution {
  const n = current.length;
  const held = new Set<number>();
  for (let round = 0; round <= n; round++) {
    const s = build(a, current, scale, weights, held);
    const x = s.solve(y);
    const below = x.map((v, j) => (v < lower[j]! - 1e-9 && !held.has(j) ? j : -1)).filter((j) => j >= 0);
    if (below.length === 0) return s;
    // hold the one furthest below its bound, then refit the rest
    below.sort((p, q) => (x[p]! - lower[p]!) / scale[p]! - (x[q]! - lower[q]!) / scale[q]!);
    held.add(below[0]!);
  }
  return build(a, current, scale, weights, held);

  function build(A: Matrix, cur: readonly number[], S: readonly number[], W: readonly number[], hold: Set<number>): LinearSolution {
    const cols: number[] = [];
    for (let j = 0; j < n; j++) if (!hold.has(j) && A.some((row) => row[j] !== 0)) cols.push(j);
    const m = A.map((row) => cols.map((j) => row[j]! * S[j]!));
    const basis = rowSpace(m, cols.length);
    const k = restrictedSolver(m, W, basis, cols.length);
    const origin: CostOrigin[] = new Array<CostOrigin>(n).fill('base');
    const sumWith: number[][] = Array.from({ length: n }, () => []);
    cols.forEach((j, c) => {
      const p = projectionOfUnit(basis, c);
      origin[j] = p > ALONE ? 'fitted' : p > NONE ? 'sum' : 'base';
    });
    // costs tied together by a direction the segments cannot see: the projection on the null
    // space (I − P_row) links i and j when its (i, j) entry is not zero (independent of the basis)
    if (cols.length > 0) {
      const parent = cols.map((_, c) => c);
      const find = (c: number): number => (parent[c] === c ? c : (parent[c] = find(parent[c]!)));
      for (let p = 0; p < cols.length; p++) {
        for (let q = p + 1; q < cols.length; q++) {
          const rowPart = basis.reduce((acc, b) => acc + b[p]! * b[q]!, 0);
          if (Math.abs(rowPart) > 1e-6) parent[find(q)] = find(p); // (I − P)_pq = −P_pq for p ≠ q
        }
      }
      for (const [c, j] of cols.entries()) {
        if (origin[j] !== 'sum') continue;
        sumWith[j] = cols.filter((jj, cc) => jj !== j && origin[jj] === 'sum' && find(cc) === find(c));
      }
    }
    const rowsOf = Array.from({ length: n }, (_, j) => A.map((row, r) => (row[j] !== 0 ? r : -1)).filter((r) => r >= 0));
    for (const j of hold) origin[j] = 'fitted';
    return {
      origin,
      sumWith,
      rowsOf,
      held: [...hold],
      solve(target) {
        // held costs sit at their bound: their change moves to the right-hand side
        const adjusted = target.map((v, r) => {
          let out = v;
          for (const j of hold) out -= A[r]![j]! * (lower[j]! - cur[j]!);
          return out;
        });
        const u = k ? matVec(k, adjusted) : cols.map(() => 0);
        const x = cur.slice();
        cols.forEach((j, c) => (x[j] = cur[j]! + S[j]! * u[c]!));
        for (const j of hold) x[j] = lower[j]!;
        return x;
      },
    };
  }
}

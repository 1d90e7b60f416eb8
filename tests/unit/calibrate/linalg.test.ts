// The fit's linear algebra: SVD reconstructs, the row space and the per-cost classification
// (fitted alone / only in a sum / not seen) follow the structure, and the restricted solve
// recovers what is identifiable and leaves the rest where it was.
import { describe, expect, it } from 'vitest';
import { projectionOfUnit, rowSpace, svd } from '../../../src-main/calibrate/linalg.js';
import { linearSolution } from '../../../src-main/calibrate/fit.js';

describe('svd', () => {
  it('reconstructs a matrix from U Σ Vᵀ, singular values descending', () => {
    const a = [
      [2, 0, 1],
      [1, 3, 0],
      [0, 1, 4],
      [1, 1, 1],
    ];
    const d = svd(a);
    for (let k = 1; k < d.s.length; k++) expect(d.s[k]!).toBeLessThanOrEqual(d.s[k - 1]!);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 3; c++) {
        const v = d.s.reduce((acc, s, k) => acc + d.u[r]![k]! * s * d.v[c]![k]!, 0);
        expect(v).toBeCloseTo(a[r]![c]!, 10);
      }
    }
  });

  it('finds the rank of a rank-deficient wide matrix', () => {
    // columns 1 and 2 only ever appear together; column 3 never
    const a = [
      [1, 1, 1, 0],
      [1, 0, 0, 0],
    ];
    const basis = rowSpace(a, 4);
    expect(basis).toHaveLength(2);
    expect(projectionOfUnit(basis, 0)).toBeCloseTo(1, 9);
    expect(projectionOfUnit(basis, 1)).toBeCloseTo(0.5, 9);
    expect(projectionOfUnit(basis, 3)).toBeCloseTo(0, 12);
  });
});

describe('linearSolution', () => {
  const a = [
    [1, 0, 0, 0], // segment 1 sees cost 0
    [1, 1, 1, 0], // segment 2 sees costs 0 + 1 + 2 (1 and 2 only together)
  ];
  const current = [100, 200, 50, 70];
  const scale = current.map((c) => Math.sqrt(c));
  const truth = [120, 180, 100, 999];
  const y = a.map((row) => row.reduce((acc, x, j) => acc + x * (truth[j]! - current[j]!), 0));

  it('fits a cost seen alone, moves a sum in base proportion, keeps an unseen one', () => {
    const s = linearSolution(a, current, scale, [1, 1], [0, 0, 0, 0], y);
    expect(s.origin).toEqual(['fitted', 'sum', 'sum', 'base']);
    expect(s.sumWith[1]).toEqual([2]);
    expect(s.sumWith[2]).toEqual([1]);
    const x = s.solve(y);
    expect(x[0]).toBeCloseTo(120, 9);
    expect(x[1]! + x[2]!).toBeCloseTo(280, 9); // the sum is what the data fix
    expect((x[1]! - 200) / 200).toBeCloseTo((x[2]! - 50) / 50, 9); // split like the base
    expect(x[3]).toBe(70);
    expect(s.rowsOf[0]).toEqual([0, 1]);
  });

  it('holds a cost at its lower bound and refits the others', () => {
    const yNeg = [-150, -150]; // cost 0 would have to be −50
    const s = linearSolution(a, current, scale, [1, 1], [0, 0, 0, 0], yNeg);
    const x = s.solve(yNeg);
    expect(s.held).toEqual([0]);
    expect(x[0]).toBe(0);
    expect(x[1]! + x[2]!).toBeCloseTo(250 - 50, 9);
  });
});

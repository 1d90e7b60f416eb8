// Small pure helpers shared by the state classes.

/** The distinct values of `xs`, first occurrence first. */
export function unique<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

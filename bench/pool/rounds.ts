/** Interleaving: each round runs every entrant once, in an order rotated from round to round. */

/** `items` rotated left by `by`, so that no entrant always runs first or right after the same one. */
export function rotated<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

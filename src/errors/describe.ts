/** How messages name the values and the items they are about. */

/** A value as an error message names it: `null`, `the string "x"`, `number 3`, `object`... */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** Item positions, the first few of a long list and how many there are in all. */
export function summarizeIndices(indices: number[]): string {
  if (indices.length <= 6) return indices.join(', ');
  return `${indices.slice(0, 5).join(', ')}, ... (${indices.length} in all)`;
}

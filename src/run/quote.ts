/**
 * Shell quoting for Bourne shells, character for character as GNU parallel quotes a value it
 * substitutes: a value made only of letters, digits and `-_.+/` is left as is, the empty string
 * becomes `''`, and anything else is wrapped in single quotes, each inner `'` becoming `'"'"'`
 * (with the empty `''` this leaves at either end dropped).
 */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (/^[-_.+a-zA-Z0-9/]+$/.test(value)) return value;
  let quoted = `'${value.replaceAll("'", `'"'"'`)}'`;
  if (quoted.startsWith("''")) quoted = quoted.slice(2);
  if (quoted.endsWith("''")) quoted = quoted.slice(0, -2);
  return quoted;
}

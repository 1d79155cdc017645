/** What the payload scan refuses with, and the bounds it holds a payload to (payload-check.ts). */

/** Why a payload was refused, for the message of ERR_JOB_REJECTED. */
export class PayloadError extends Error {}

/** Containers nested deeper than this are refused (structured clone copes with a few thousand). */
export const maxNesting = 1000;

/** The decoded heap may reach this many times the payload's size... */
export const heapFactor = 16;
/** ...plus this, so that small payloads of a few objects always pass. */
export const heapAllowance = 1024 * 1024;

/** Estimated heap bytes of what V8 builds, measured on Node 20 (64-bit, pointer compression off). */
export const heapCost = {
  slot: 8,
  property: 16,
  entry: 24,
  object: 96,
  array: 80,
  holeyArray: 224,
  map: 232,
  date: 160,
  error: 104,
  regexp: 104,
  wrapper: 96,
  view: 144,
  buffer: 136,
  string: 32,
  heapNumber: 24,
  bigInt: 40,
} as const;

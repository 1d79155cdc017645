// Worker file for piscina and tinypool: both look tasks up among the module's named exports.
export { noop, increment, spin } from '../tasks.mjs';

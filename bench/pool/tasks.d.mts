/** Types of tasks.mjs, for the TypeScript side of the benchmark. */
export declare function noop(): undefined;
export declare function increment(x: number): number;
export declare function spin(iterations: number): number;

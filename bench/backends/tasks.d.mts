export function noop(x?: unknown): undefined;
export function hello(name: string): string;
export function burn(iterations: number): number;

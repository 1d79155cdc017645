export declare function spin(iterations: number): number;
export declare function wait(ms: number): Promise<number>;

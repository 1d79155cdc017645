export declare function watch(): Promise<string>;
export declare function spin(): never;
export declare function noop(): number;

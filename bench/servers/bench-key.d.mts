/** Types of bench-key.mjs, for the harness. */
export declare const KEY_ID: string;
export declare const SECRET: string;

// Types of scripts/freshness.mjs (plain JavaScript: bin/gate86.js loads it before any TypeScript tooling).
export declare const SOURCE_FOLDERS: string[];
export declare const SOURCE_FILES: string[];
export declare function newestSource(root: string): number;
export declare function lastBuild(root: string): number;
export declare function isStale(root: string): boolean;
export declare function writeStamp(root: string, startMs: number): void;

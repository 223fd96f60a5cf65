export declare const VSCE_PACKAGE_FLAGS: readonly string[];
export declare function vscePackageArgs(outFile: string): string[];

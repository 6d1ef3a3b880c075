export * from "./auth";
export * from "./workspaces";
export * from "./mail";
export * from "./ingest";
export * from "./rules";
export * from "./inbox";
export * from "./channels";

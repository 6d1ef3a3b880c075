import { createPostgresDatabase, dropPostgresDatabase } from "./bench/setup";
const server = "postgres://postgres@127.0.0.1:5432/test";
await dropPostgresDatabase(server, "tocsin_prof");
const { url, source } = await createPostgresDatabase(server, "tocsin_prof", "prof");
console.log(JSON.stringify({ url, ...source }));
process.exit(0);

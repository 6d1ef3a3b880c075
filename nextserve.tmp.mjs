// Runs Next's production server in this process so --cpu-prof sees it, and exits cleanly on SIGINT.
import { createServer } from "node:http";
import next from "next";
const app = next({ dev: false, dir: process.cwd() });
await app.prepare();
const handle = app.getRequestHandler();
const server = createServer((req, res) => handle(req, res));
server.listen(3111, "127.0.0.1");
process.on("SIGINT", () => process.exit(0));

import { createServer } from "node:http";
import { Readable } from "node:stream";
import { getDb } from "@/server/db/client";
import { handleIngestRequest } from "@/server/ingest/handle-ingest-request";
const db = getDb();
createServer(async (req, res) => {
  const id = req.url!.split("/").pop()!;
  const request = new Request(`http://localhost${req.url}`, { method: "POST", headers: req.headers as Record<string, string>, body: Readable.toWeb(req) as ReadableStream, duplex: "half" } as RequestInit);
  const response = await handleIngestRequest(db, request, { sourceId: id }, { fanOut: process.env.FANOUT === "now" ? "now" : "queued" });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}).listen(3112, "127.0.0.1");
process.on("SIGINT", () => process.exit(0));

import { readFileSync } from "node:fs";
import { runLoad } from "./bench/load";
const s = JSON.parse(readFileSync("/tmp/prof-source.json", "utf8"));
const r = await runLoad({ url: `http://127.0.0.1:${process.argv[2]}/api/ingest/${s.sourceId}`, token: s.token, concurrency: 32, warmupMs: 1000, durationMs: Number(process.argv[3] ?? 6000), eventsPerRequest: 1, label: `p${Date.now()}` });
console.log(JSON.stringify({ rps: r.requestsPerSecond.toFixed(1), p50: r.p50Ms.toFixed(1), p99: r.p99Ms.toFixed(1), errors: r.errors, sample: r.errorSamples[0] }));
process.exit(0);

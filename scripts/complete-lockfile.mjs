// The npm registry reachable from our machines serves only the Linux builds of packages that
// ship one native binary per platform (@next/swc-*, @tailwindcss/oxide-*, @unrs/resolver-binding-*).
// `npm install` therefore leaves the other platforms' optional packages out of
// package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds the missing
// entries, marked optional and limited to their platform, so `npm ci` skips them as it would
// with a complete registry. Run `npm run lock:complete` whenever `npm install` rewrote the lock
// (it drops these entries again), before committing it.
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = "package-lock.json";
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const packages = lock.packages;

// "darwin-arm64", "linux-arm-gnueabihf", "win32-x64-msvc", "wasm32-wasi" → os / cpu / libc.
function platformOf(suffix) {
  if (suffix.startsWith("wasm32")) return { cpu: ["wasm32"] };
  const [os, cpu, abi] = suffix.split("-");
  const platform = { os: [os === "openharmony" ? "openharmony" : os], cpu: [cpu] };
  if (abi === "gnu" || abi === "gnueabihf") platform.libc = ["glibc"];
  if (abi === "musl" || abi === "musleabihf") platform.libc = ["musl"];
  return platform;
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path.replace(/node_modules\/(?:@[^/]+\/)?[^/]+$/, "");
    const target = `${base}node_modules/${name}`;
    if (packages[target] || packages[`node_modules/${name}`]) continue;
    const suffix = name.split("/").pop().replace(/^(oxide|swc|resolver-binding)-/, "");
    packages[target] = { version, dev: entry.dev || undefined, optional: true, ...platformOf(suffix) };
    added += 1;
  }
}
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} foreign-platform optional entries`);

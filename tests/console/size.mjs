// Prints the console's transfer size (raw / gzip / brotli, as recorded by
// `cargo xtask dist` in dist/manifest.json) — the files a browser loads for /console/.
// Usage: node tests/console/size.mjs [path/to/manifest.json]
import { readFileSync } from "node:fs";
const path = process.argv[2] ?? new URL("../../dist/manifest.json", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(path, "utf8"));
const total = [0, 0, 0];
const cell = (n, w) => String(n).padStart(w);
for (const [name, f] of Object.entries(manifest.files).filter(([n]) => n.startsWith("console/")).sort()) {
  total[0] += f.bytes;
  total[1] += f.gzip;
  total[2] += f.brotli;
  console.log(`${name.padEnd(52)} raw ${cell(f.bytes, 8)}  gzip ${cell(f.gzip, 7)}  brotli ${cell(f.brotli, 7)}`);
}
console.log(`${"total".padEnd(52)} raw ${cell(total[0], 8)}  gzip ${cell(total[1], 7)}  brotli ${cell(total[2], 7)}`);

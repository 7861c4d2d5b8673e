// Prints raw / gzip -9 / brotli q11 sizes of the built console files (for BENCHMARKS.md).
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
const dir = process.argv[2] ?? new URL("./out/console", import.meta.url).pathname;
let total = [0, 0, 0];
for (const f of readdirSync(dir).sort()) {
  const b = readFileSync(`${dir}/${f}`);
  const g = gzipSync(b, { level: 9 }).length;
  const br = brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  total = [total[0] + b.length, total[1] + g, total[2] + br];
  console.log(`${f.padEnd(40)} raw ${String(b.length).padStart(8)}  gzip ${String(g).padStart(7)}  brotli ${String(br).padStart(7)}`);
}
console.log(`${"total".padEnd(40)} raw ${String(total[0]).padStart(8)}  gzip ${String(total[1]).padStart(7)}  brotli ${String(total[2]).padStart(7)}`);

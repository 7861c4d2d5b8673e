// Prints the console's transfer size (raw / gzip / brotli, as recorded by
// `cargo xtask dist` in dist/manifest.json): the first load — what a browser
// fetches for /console/ (the page, its icon, the inbox's glue and wasm) — and,
// separately, the admin module (settings, team, tags, canned responses screens),
// fetched only the first time one of those screens is opened.
// Usage: node tests/console/size.mjs [path/to/manifest.json]
import { readFileSync } from "node:fs";
const path = process.argv[2] ?? new URL("../../dist/manifest.json", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(path, "utf8"));
const cell = (n, w) => String(n).padStart(w);
const line = (name, f) =>
  console.log(`${name.padEnd(52)} raw ${cell(f.bytes, 8)}  gzip ${cell(f.gzip, 7)}  brotli ${cell(f.brotli, 7)}`);
const admin = new Set(["console_admin_js", "console_admin_wasm"].map((k) => manifest.names[k]).filter(Boolean).map((n) => `console/${n}`));
const console_ = Object.entries(manifest.files).filter(([n]) => n.startsWith("console/")).sort();
for (const [title, files] of [
  ["first load", console_.filter(([n]) => !admin.has(n))],
  ["admin module (on demand)", console_.filter(([n]) => admin.has(n))],
]) {
  if (files.length === 0) continue;
  console.log(`${title}:`);
  const total = { bytes: 0, gzip: 0, brotli: 0 };
  for (const [name, f] of files) {
    for (const k of Object.keys(total)) total[k] += f[k];
    line(`  ${name}`, f);
  }
  line(`  total`, total);
}

// Dev front for the console tests while the relay does not serve /console itself:
// serves a built console at /console/ and passes everything else (HTTP and
// WebSocket upgrades) through to the relay, so the console, API and sockets share
// one origin exactly as in production. Usage: node serve.mjs DIST_DIR RELAY_URL
// Prints "front listening on http://ADDR" once ready.
import http from "node:http";
import net from "node:net";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const [dist, relayUrl] = process.argv.slice(2);
const relay = new URL(relayUrl);
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/console") {
    res.writeHead(308, { location: "/console/" }).end();
    return;
  }
  if (url.pathname.startsWith("/console/")) {
    const rel = normalize(url.pathname.slice("/console/".length) || "index.html").replace(/^(\.\.[/\\])+/, "");
    try {
      const body = await readFile(join(dist, rel));
      res.writeHead(200, { "content-type": types[extname(rel)] ?? "application/octet-stream", "cache-control": "no-store" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
    return;
  }
  const headers = { ...req.headers, host: relay.host };
  if (headers.origin) headers.origin = relay.origin;
  const up = http.request({ host: relay.hostname, port: relay.port, method: req.method, path: req.url, headers }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on("error", () => res.writeHead(502).end());
  req.pipe(up);
});

// WebSocket upgrades: replay the request head to the relay (Origin rewritten to the
// relay's own, which is what it would be if the relay served the console), then pipe.
server.on("upgrade", (req, socket, head) => {
  const up = net.connect(Number(relay.port), relay.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const k = req.rawHeaders[i];
      let v = req.rawHeaders[i + 1];
      if (/^host$/i.test(k)) v = relay.host;
      if (/^origin$/i.test(k)) v = relay.origin;
      lines.push(`${k}: ${v}`);
    }
    up.write(lines.join("\r\n") + "\r\n\r\n");
    if (head.length) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  const end = () => { up.destroy(); socket.destroy(); };
  up.on("error", end);
  socket.on("error", end);
  up.on("close", end);
  socket.on("close", end);
});

server.listen(0, "127.0.0.1", () => {
  const { address, port } = server.address();
  console.log(`front listening on http://${address}:${port}`);
});

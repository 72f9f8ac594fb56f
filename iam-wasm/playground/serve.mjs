// A static file server for the built playground (dist/). The playground needs no server logic:
// any static host works; this one exists so that one command serves it locally and so the
// browser test can start it in-process.
//
//   node iam-wasm/playground/serve.mjs [--port 8080] [--host 127.0.0.1]
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Serves `dir` on `host:port` (port 0 picks a free one). Resolves to `{ server, url }`. */
export function serve({ dir = join(here, "dist"), port = 8080, host = "127.0.0.1" } = {}) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      const file = normalize(join(dir, path.endsWith("/") ? path + "index.html" : path));
      if (!file.startsWith(normalize(dir) + sep)) {
        res.writeHead(403).end("forbidden");
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok({ server, url: `http://${host}:${server.address().port}/` }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const { url } = await serve({ port: Number(arg("--port", 8080)), host: arg("--host", "127.0.0.1") });
  console.log(`iam-core playground: ${url}  (Ctrl-C to stop)`);
}

import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * `GET /healthz`: 200 while the app can reach Redis, 503 otherwise, for load balancers and
 * container orchestrators. Returns false for other paths so Probot's next handler runs.
 */
export function healthzHandler(ping: () => Promise<unknown>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/healthz") return false;
    try {
      await ping();
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    } catch {
      res.writeHead(503, { "content-type": "application/json" }).end('{"status":"redis unreachable"}');
    }
    return true;
  };
}

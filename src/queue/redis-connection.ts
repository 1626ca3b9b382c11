import { Redis } from "ioredis";

/**
 * One ioredis client for BullMQ. Workers block on Redis and must never give up a command
 * mid-way, so BullMQ requires `maxRetriesPerRequest: null` for them
 * (docs/gitbook/guide/connections.md). The app's producer keeps ioredis' default so a
 * webhook fails fast (and GitHub shows the failed delivery) when Redis is down.
 * ioredis' `replyMapping: "resp3"` breaks BullMQ's queue events: keep the default.
 */
export function createRedisConnection(url: string, role: "producer" | "worker"): Redis {
  return new Redis(url, role === "worker" ? { maxRetriesPerRequest: null } : { enableOfflineQueue: false });
}

import { generateKeyPairSync } from "node:crypto";

/**
 * A throwaway GitHub App key pair for the demo, the e2e test and the benchmarks (PKCS#1 PEM,
 * the format GitHub hands out). The stand-in GitHub verifies JWTs with the public half.
 */
export function throwawayAppKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}

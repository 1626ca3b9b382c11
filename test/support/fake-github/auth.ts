/**
 * GitHub App authentication as GitHub checks it: the app signs a JWT (RS256, `iss` = app id)
 * to ask for an installation token, then calls the API with that token.
 * ("Authenticating as a GitHub App installation".)
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";

/** Why a credential was refused; undefined when it is good. */
export type AuthProblem = string | undefined;

function base64url(part: string): Buffer {
  return Buffer.from(part.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/**
 * Checks an app JWT: RS256 signature by the app's key, `iss` equal to the app id, not
 * expired (GitHub allows at most 10 minutes of validity and some clock drift).
 */
export function checkAppJwt(authorization: string | undefined, appId: number, publicKey: KeyObject | undefined, now: number): AuthProblem {
  const jwt = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!jwt) return "a JWT (Authorization: Bearer <jwt>) is required to create an installation token";
  const [header = "", payload = "", signature = ""] = jwt.split(".");
  let claims: { iss?: unknown; exp?: unknown; iat?: unknown };
  try {
    const h = JSON.parse(base64url(header).toString("utf8")) as { alg?: string };
    if (h.alg !== "RS256") return `JWT alg must be RS256, got ${String(h.alg)}`;
    claims = JSON.parse(base64url(payload).toString("utf8")) as typeof claims;
  } catch {
    return "JWT could not be decoded";
  }
  if (String(claims.iss) !== String(appId)) return `JWT iss ${String(claims.iss)} is not the app id ${appId}`;
  if (typeof claims.exp !== "number" || claims.exp * 1000 < now - 60_000) return "JWT expired";
  if (publicKey && !verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), publicKey, base64url(signature))) return "JWT signature does not match the app's key";
  return undefined;
}

/** The public half of a PEM private key (the fake verifies what the app signs). */
export function publicKeyOf(privateKeyPem: string): KeyObject {
  return createPublicKey(privateKeyPem);
}

/** The token in `Authorization: token X` or `Bearer X`. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? "")?.[1];
}

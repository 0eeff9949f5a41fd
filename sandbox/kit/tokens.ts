/** What every simulator keeps per issued access token. */
export interface IssuedToken {
  revoked: boolean;
  expiresAt: number;
}

/** Revokes every token (the "expire tokens now" fault); returns how many were still valid. */
export function revokeAll(tokens: Iterable<IssuedToken>): number {
  let count = 0;
  for (const token of tokens) {
    if (!token.revoked) count += 1;
    token.revoked = true;
  }
  return count;
}

/** Tokens neither revoked nor expired at `now`, for the simulators' stats. */
export function countAlive(tokens: Iterable<IssuedToken>, now: number): number {
  let alive = 0;
  for (const token of tokens) if (!token.revoked && token.expiresAt > now) alive += 1;
  return alive;
}

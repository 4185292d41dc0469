/**
 * Per-key request throttling: a token bucket per API key (`burst` tokens, refilled at `rate`
 * per second); a request that finds its key's bucket empty is refused with 429 and a
 * `Retry-After` of the seconds until a token is back. The buckets live in the function
 * container's memory — each container of each function counts for itself, so the service-wide
 * limit of a key is this rate times the containers serving it (API Gateway's stage throttling
 * bounds the total). Keys are the hashed API key's prefix the authorizer hands over.
 */

export interface Take {
  ok: boolean;
  /** When refused: seconds until the bucket holds a token again. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets forgotten first when more keys than this are tracked (a full bucket loses nothing by being forgotten). */
const maxKeys = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Take one token from `key`'s bucket. */
  take(key: string): Take {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true, retryAfterSeconds: 0 };
    }
    return { ok: false, retryAfterSeconds: (1 - bucket.tokens) / this.rate };
  }
}

let shared: TokenBuckets | undefined;

/** The container's buckets for this rate and burst (new ones when the configuration changes). */
export function keyBuckets(rate: number, burst: number): TokenBuckets {
  if (!shared || shared.rate !== rate || shared.burst !== burst) shared = new TokenBuckets(rate, burst);
  return shared;
}

import type { SimConfig } from './config.js';
import type { OrgSeed, OrgState } from './org/org-state.js';
import type { RequestStats } from './stats.js';
import type { TokenBuckets } from './token-bucket.js';

/** The live parts of one simulator; handlers read them through a getter so reset can swap the org. */
export interface SimContext {
  org: OrgState;
  config: SimConfig;
  stats: RequestStats;
  buckets: TokenBuckets;
  random: () => number;
  seed: OrgSeed;
  nextTrackingId: () => string;
  /** Test hook: called as each /v1 request arrives, before anything is applied. */
  onRequest?: ((operation: string, total: number) => void) | undefined;
}

export interface SimReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Top-level fields a client relies on: the missing-field fault removes one of them. */
  requiredFields?: string[];
}

export interface ResolverArgs {
  request: Request;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** `http://host:port/v1`, for Link headers. */
  baseUrl: string;
  sim: SimContext;
  /** True when this is the late apply of a request already answered 504 (see pipeline.ts): count nothing. */
  late: boolean;
}

export type Resolver = (args: ResolverArgs) => SimReply | Promise<SimReply>;

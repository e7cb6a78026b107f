/**
 * The error model shared by every layer. Rules and use cases throw these; the HTTP layer turns them into
 * application/problem+json. Nothing here knows about HTTP clients or AWS.
 */

/** Our own problem `type` URIs all start with this. Clients branch on the full `type`, never on `title`. */
export const PROBLEM_TYPE_BASE = 'urn:uitpas-ticketing:problem:';

/** publiq's end-user message: Dutch is always present, other languages sometimes. */
export interface EndUserMessage {
  nl: string;
  fr?: string;
  de?: string;
  en?: string;
}

export interface AppErrorOptions {
  detail?: string;
  endUserMessage?: EndUserMessage;
  /**
   * Extra problem members (RFC 7807 extensions), serialised as they are, and never logged (the refusal's log line has
   * type, status and detail). Never a secret; a UiTPAS number only where the answer to the same caller would carry it
   * anyway (the pass view of the pass it asked about, in `social-tariff-expired`), never one it did not give.
   */
  extensions?: Record<string, unknown>;
  cause?: unknown;
  headers?: Record<string, string>;
}

/** An error that we expect and can explain: it becomes a problem response with its own stable `type`. */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly type: string;
  readonly detail: string | undefined;
  readonly endUserMessage: EndUserMessage | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly slug: string,
    readonly status: number,
    readonly title: string,
    options: AppErrorOptions = {},
  ) {
    super(options.detail ?? title, { cause: options.cause });
    this.type = PROBLEM_TYPE_BASE + slug;
    this.detail = options.detail;
    this.endUserMessage = options.endUserMessage;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export type UpstreamService = 'uitpas' | 'uitdatabank-entry' | 'uitdatabank-search' | 'uitid';

export interface SchemaError {
  jsonPointer: string;
  error: string;
}

export interface UpstreamProblemFields {
  type: string;
  status: number;
  title?: string | undefined;
  detail?: string | undefined;
  endUserMessage?: EndUserMessage | undefined;
  schemaErrors?: SchemaError[] | undefined;
  /** `GET /passes` extensions for a card that is not active. */
  cardStatus?: string | undefined;
  passholderId?: string | undefined;
  passType?: 'INDIVIDUAL' | 'GROUP' | undefined;
  groupPass?: boolean | undefined;
  /**
   * Which call was answered: method and path, e.g. `GET /passes` or `DELETE /ticket-sales/123`. Never the query
   * string, where a pass identifier travels; a path segment shaped like one reads `{identifier}`. The path may carry
   * the base URL's own prefix (`/uitpas/passes`).
   */
  endpoint?: string | undefined;
}

/** publiq's problem type prefixes. Match on the full URI. */
export const PUBLIQ_PROBLEM = 'https://api.publiq.be/probs/';
export const UITPAS_PROBLEM = `${PUBLIQ_PROBLEM}uitpas/`;

/**
 * An RFC 7807 problem answered by a publiq API. It keeps every field the API sent that we may need, so callers can
 * branch on `type` and pass the `endUserMessage` on to the buyer.
 */
export class UpstreamProblem extends Error {
  override readonly name = 'UpstreamProblem';
  readonly type: string;
  readonly status: number;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly endUserMessage: EndUserMessage | undefined;
  readonly schemaErrors: SchemaError[];
  readonly cardStatus: string | undefined;
  readonly passholderId: string | undefined;
  readonly passType: 'INDIVIDUAL' | 'GROUP' | undefined;
  readonly groupPass: boolean | undefined;
  readonly endpoint: string | undefined;

  constructor(
    readonly service: UpstreamService,
    fields: UpstreamProblemFields,
  ) {
    super(
      `${service} answered ${fields.status} ${fields.type}${fields.endpoint ? ` to ${fields.endpoint}` : ''}${fields.detail ? `: ${fields.detail}` : ''}`,
    );
    this.type = fields.type;
    this.status = fields.status;
    this.title = fields.title;
    this.detail = fields.detail;
    this.endUserMessage = fields.endUserMessage;
    this.schemaErrors = fields.schemaErrors ?? [];
    this.cardStatus = fields.cardStatus;
    this.passholderId = fields.passholderId;
    this.passType = fields.passType;
    this.groupPass = fields.groupPass;
    this.endpoint = fields.endpoint;
  }

  /** The type without publiq's prefix, e.g. `uitpas/social-tariff-expired` or `auth/forbidden`. */
  get shortType(): string {
    return this.type.startsWith(PUBLIQ_PROBLEM) ? this.type.slice(PUBLIQ_PROBLEM.length) : this.type;
  }

  /** True for a UiTPAS problem with this suffix; both spellings of the malformed-number type count as one. */
  is(suffix: string): boolean {
    return (
      normaliseUitpasType(this.type) === normaliseUitpasType(UITPAS_PROBLEM + suffix) ||
      this.type === PUBLIQ_PROBLEM + suffix
    );
  }
}

/** UiTPAS uses both `invalid-uitpasnumber` and `invalid-uitpas-number` for the same problem. */
export function normaliseUitpasType(type: string): string {
  return type === `${UITPAS_PROBLEM}invalid-uitpasnumber` ? `${UITPAS_PROBLEM}invalid-uitpas-number` : type;
}

/**
 * The upstream could not give an answer: it timed out, the connection failed, or it answered 5xx/429 (after the
 * retries that were safe). `mayHaveApplied` is true when a non-idempotent request may have reached the server and been
 * applied (timeout after sending, dropped connection, 500): the caller must reconcile before trying again.
 */
export class UpstreamUnavailable extends Error {
  override readonly name = 'UpstreamUnavailable';
  readonly status: number | undefined;

  constructor(
    readonly service: UpstreamService,
    readonly reason: 'timeout' | 'network' | 'status' | 'invalid-response',
    readonly mayHaveApplied: boolean,
    options: { status?: number; detail?: string; cause?: unknown } = {},
  ) {
    super(
      `${service} unavailable (${reason}${options.status ? ` ${options.status}` : ''})${options.detail ? `: ${options.detail}` : ''}`,
      {
        cause: options.cause,
      },
    );
    this.status = options.status;
  }
}

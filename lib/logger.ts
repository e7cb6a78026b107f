/**
 * One JSON logger for every function. UiTPAS numbers, chip numbers and INSZ numbers are personal data and tokens
 * are secrets: every log line passes through the redacting formatter below, so a careless `logger.info({ body })`
 * cannot leak them. Errors keep every field they carry (`status`, `reason`, `mayHaveApplied`, their `cause`s...):
 * those are what an operator needs to tell a refused sale from one that may have been registered.
 *
 * The service name is left to Powertools, which takes `POWERTOOLS_SERVICE_NAME` (set in serverless.yml) when no
 * `serviceName` option is given; passing one here would override the environment.
 */
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type {
  ConstructorOptions,
  LogAttributes,
  UnformattedAttributes,
} from '@aws-lambda-powertools/logger/types';
import { isInsz } from './domain/pass.js';

/** `0900000067513` -> `0900******513`: enough to recognise a pass in support, not enough to use it. */
export function maskUitpasNumber(value: string): string {
  if (value.length <= 7) return '*'.repeat(value.length);
  return `${value.slice(0, 4)}${'*'.repeat(value.length - 7)}${value.slice(-3)}`;
}

const THIRTEEN_DIGITS = /(?<![0-9])[0-9]{13}(?![0-9])/g;
/**
 * A chip number is the 7-byte NFC UID as 14 hex characters. A run with a letter cannot be a decimal number; an
 * all-digit run is taken as a chip only with the `04` manufacturer byte every chip in publiq's test dataset has,
 * which no 14-digit timestamp or date (`2026...`) starts with.
 */
const CHIP_NUMBER =
  /(?<![0-9A-Fa-f])(?:04[0-9]{12}|(?=[0-9A-Fa-f]*[A-Fa-f])(?=[0-9A-Fa-f]*[0-9])[0-9A-Fa-f]{14})(?![0-9A-Fa-f])/g;
/**
 * An INSZ is 11 digits whose last two check the first nine (lib/domain/pass.ts): only runs that pass the check are
 * masked, so an 11-digit count or id is left alone about 99 times in 100.
 */
const ELEVEN_DIGITS = /(?<![0-9])[0-9]{11}(?![0-9])/g;
const SECRET_KEY = /authorization|secret|token|password|api[-_]?key|cookie/i;
/**
 * Keys (compared lower-case, without `-`/`_`) whose value is a pass identifier whatever it looks like: an INSZ, a
 * chip number, a mistyped UiTPAS number. The suffix form also covers `registrationUitpasNumber` and the like.
 */
const PASS_ID_KEY = /(?:uitpasnumbers?|chipnumbers?|insznumbers?|insz)$|^identifiers?$/;

/**
 * How a 13-digit run in a string is told from a UiTPAS number. UiTPAS numbers are strings that keep their leading
 * zero: every one in publiq's test dataset and API examples starts with `0` (`0900000095902`, `0560002524314`) or
 * with `10`/`12` (`1000000520006`, `1234567890123`). Read as epoch milliseconds those are all before 2010, while
 * every timestamp this service writes (now, token expiries, claim deadlines) lies between 2020 and 2100, i.e.
 * `1577836800000` to `4102444800000`. So a run inside that window is a timestamp and is kept; anything else is
 * masked. A number typed as `number` is never a UiTPAS number and is never touched.
 */
const EPOCH_MS_FROM = Date.UTC(2020, 0, 1);
const EPOCH_MS_UNTIL = Date.UTC(2100, 0, 1);

function isPlausibleEpochMs(digits: string): boolean {
  const value = Number(digits);
  return value >= EPOCH_MS_FROM && value < EPOCH_MS_UNTIL;
}

export function redactString(value: string): string {
  return value
    .replace(THIRTEEN_DIGITS, (digits) => (isPlausibleEpochMs(digits) ? digits : maskUitpasNumber(digits)))
    .replace(CHIP_NUMBER, maskUitpasNumber)
    .replace(ELEVEN_DIGITS, (digits) => (isInsz(digits) ? maskUitpasNumber(digits) : digits));
}

const MAX_DEPTH = 10;
/** Bounds the `cause` chain: enough for our error wrapping an upstream error wrapping a socket error, and more. */
const MAX_CAUSE_DEPTH = 5;

class RedactingLogFormatter extends LogFormatter {
  /** The errors being formatted, outermost first: the cause chain walked so far. */
  readonly #chain: Error[] = [];

  /**
   * Powertools' own serialisation (name, location, message, stack, every enumerable field), which recurses into
   * `cause` through `this.formatError`: tracking the chain here bounds it and stops a cause that points back.
   */
  override formatError(error: Error): LogAttributes {
    if (this.#chain.includes(error)) return { name: error.name, message: '[circular cause]' };
    if (this.#chain.length > MAX_CAUSE_DEPTH) return { name: error.name, message: '[cause chain too long]' };
    this.#chain.push(error);
    try {
      const formatted = super.formatError(error);
      // `errors` is an own but non-enumerable property, so Powertools would drop what `Promise.any` collected.
      if (error instanceof AggregateError) formatted.errors = error.errors;
      return formatted;
    } finally {
      this.#chain.pop();
    }
  }

  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const { message } = attributes;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: typeof message === 'string' ? redactString(message) : redactWith(this, message),
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_name: attributes.lambdaContext?.functionName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(redactWith(this, additional) as LogAttributes);
  }
}

const defaultFormatter = new RedactingLogFormatter();

/**
 * Deep copy with secrets replaced, pass identifiers masked and errors serialised with all their fields. Depth and
 * cycles are bounded.
 */
export function redact(value: unknown): unknown {
  return redactWith(defaultFormatter, value);
}

function redactWith(formatter: LogFormatter, value: unknown): unknown {
  const walk = (item: unknown, depth: number, ancestors: object[]): unknown => {
    if (typeof item === 'string') return redactString(item);
    if (item === null || typeof item !== 'object') return item;
    if (ancestors.includes(item)) return '[circular]';
    if (depth > MAX_DEPTH) return '[depth limit]';
    const source = item instanceof Error ? formatter.formatError(item) : item;
    const inside = [...ancestors, item];
    if (Array.isArray(source)) return source.map((entry) => walk(entry, depth + 1, inside));
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(source)) {
      out[key] = redactEntry(key, entry, (next) => walk(next, depth + 1, inside));
    }
    return out;
  };
  return walk(value, 0, []);
}

function redactEntry(key: string, value: unknown, walk: (value: unknown) => unknown): unknown {
  if (value === undefined || value === null) return value;
  if (SECRET_KEY.test(key)) return '[redacted]';
  if (PASS_ID_KEY.test(key.replace(/[-_]/g, '').toLowerCase())) return maskIdentifier(value, walk);
  return walk(value);
}

function maskIdentifier(value: unknown, walk: (value: unknown) => unknown): unknown {
  if (typeof value === 'string') return maskUitpasNumber(value);
  if (typeof value === 'number' || typeof value === 'bigint') return maskUitpasNumber(String(value));
  if (Array.isArray(value))
    return value.map((item) => (isScalar(item) ? maskIdentifier(item, walk) : walk(item)));
  return walk(value);
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint';
}

export type LoggerOptions = Pick<ConstructorOptions, 'logLevel' | 'serviceName' | 'persistentKeys'>;

/** A logger with the redacting formatter; `logger` below is the one the functions share. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return new Logger({ ...options, logFormatter: new RedactingLogFormatter() });
}

export const logger = createLogger();

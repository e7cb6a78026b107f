/**
 * One JSON logger for every function. UiTPAS numbers are personal data and tokens are secrets: every log line passes
 * through the redacting formatter below, so a careless `logger.info({ body })` cannot leak them.
 */
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/** `0900000067513` -> `0900******513`: enough to recognise a pass in support, not enough to use it. */
export function maskUitpasNumber(value: string): string {
  if (value.length <= 7) return '*'.repeat(value.length);
  return `${value.slice(0, 4)}${'*'.repeat(value.length - 7)}${value.slice(-3)}`;
}

// UiTPAS numbers are 13 digits; chip numbers are 14 hex characters. Both are masked wherever they appear in a string.
const UITPAS_NUMBER = /(?<![0-9])[0-9]{13}(?![0-9])/g;
const CHIP_NUMBER =
  /(?<![0-9A-Fa-f])(?=[0-9A-Fa-f]*[A-Fa-f])(?=[0-9A-Fa-f]*[0-9])[0-9A-Fa-f]{14}(?![0-9A-Fa-f])/g;
const SECRET_KEY = /authorization|secret|token|password|api[-_]?key|cookie/i;

export function redactString(value: string): string {
  return value.replace(UITPAS_NUMBER, maskUitpasNumber).replace(CHIP_NUMBER, maskUitpasNumber);
}

/** Deep copy with secrets replaced and UiTPAS/chip numbers masked. Cycles and depth are bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[depth limit]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message),
      stack: value.stack && redactString(value.stack),
    };
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && item !== undefined && item !== null ? '[redacted]' : redact(item, depth + 1);
  }
  return out;
}

class RedactingLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: redactString(attributes.message),
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_name: attributes.lambdaContext?.functionName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(redact(additional) as LogAttributes);
  }
}

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'uitpas-ticketing',
  logFormatter: new RedactingLogFormatter(),
});

/**
 * SSM `GetParameter` with decryption: the one AWS call that reads a secret (a SecureString, or a Secrets Manager
 * secret through its `/aws/reference/secretsmanager/…` name), once per container per cache period.
 *
 * Ours, and why: `@aws-sdk/client-ssm` (which Powertools Parameters uses) adds about 450 KiB of JavaScript to every
 * bundle that reads a secret, for this single call; the request signer and the credential chain it would use are
 * in those bundles already, for DynamoDB. So the call is one signed POST of SSM's JSON protocol
 * (`AmazonSSM.GetParameter`), with a timeout and one retry on a throttle, a 5xx or a network failure.
 */
import { createHash, createHmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';
import { exchange, type HttpAnswer } from './http-client/transport.js';

export interface SsmReaderOptions {
  region: string;
  /** Default `https://ssm.<region>.amazonaws.com`; a local endpoint for tests. */
  endpoint?: string;
  /** Default: the SDK's chain (in Lambda, the function role's credentials from the environment). */
  credentials?: AwsCredentialIdentityProvider;
  /** Per attempt; default 3000 ms. */
  timeoutMs?: number;
}

/** The parameter's value, or undefined when SSM has it without one. */
export type ReadParameter = (name: string) => Promise<string | undefined>;

export class SsmError extends Error {
  override readonly name = 'SsmError';
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/** SHA-256 for the signer from node:crypto (the SDK's own is an extra package). */
class NodeSha256 implements Checksum {
  #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: SourceData) {
    this.#hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(this.secret));
  }
  update(data: Uint8Array | string): void {
    this.#hash.update(typeof data === 'string' ? data : Buffer.from(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.fresh();
  }
}

function toBytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

const RETRYABLE_CODES = new Set(['ThrottlingException', 'InternalServerError']);

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createSsmReader(options: SsmReaderOptions): ReadParameter {
  const endpoint = new URL(options.endpoint ?? `https://ssm.${options.region}.amazonaws.com`);
  const signer = new SignatureV4({
    service: 'ssm',
    region: options.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: NodeSha256,
  });
  const timeoutMs = options.timeoutMs ?? 3000;

  async function attempt(name: string): Promise<string | undefined> {
    const body = JSON.stringify({ Name: name, WithDecryption: true });
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: '/',
      query: {},
      headers: {
        host: endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonSSM.GetParameter',
      },
      body,
    });
    let response: HttpAnswer;
    let text: string;
    try {
      response = await exchange({
        method: 'POST',
        url: new URL('/', endpoint),
        headers: signed.headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        followRedirects: false,
      });
      text = await response.text();
    } catch (error) {
      throw new SsmError(`SSM could not be reached: ${(error as Error).message}`, 'Network', undefined);
    }
    const answer = (parsed(text) ?? {}) as {
      Parameter?: { Value?: string };
      __type?: string;
      message?: string;
      Message?: string;
    };
    if (response.ok) return answer.Parameter?.Value;
    // `__type` may carry a namespace: `com.amazonaws.ssm#ParameterNotFound`.
    const code = (answer.__type ?? `Http${response.status}`).split('#').pop() ?? 'Unknown';
    throw new SsmError(
      `SSM refused GetParameter for ${name}: ${code}${(answer.message ?? answer.Message) ? ` (${answer.message ?? answer.Message})` : ''}`,
      code,
      response.status,
    );
  }

  return async (name) => {
    try {
      return await attempt(name);
    } catch (error) {
      const again =
        error instanceof SsmError &&
        (error.code === 'Network' || RETRYABLE_CODES.has(error.code) || (error.status ?? 0) >= 500);
      if (!again) throw error;
      return attempt(name);
    }
  };
}

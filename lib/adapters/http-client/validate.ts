/** Argument checks shared by the clients: a bad argument is our bug, so it fails before any request is sent. */

export function requireText(name: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '')
    throw new RangeError(`${name} must be a non-empty string`);
}

export function boundedInt(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new RangeError(`${name} must be an integer ${range}`);
  }
  return value;
}

/** Builds a value at first use and keeps it for the container's life (cold start work, done once). */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

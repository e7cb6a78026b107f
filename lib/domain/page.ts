/** One page of a list that may go on. */
export interface Page<T> {
  items: T[];
  /** Opaque; pass it back as `cursor` for the next page. Null when there is nothing more. */
  nextCursor: string | null;
}

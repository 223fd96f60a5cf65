// The benches' raw-socket clients read the daemon's keep-alive answers themselves: an answer is framed
// by its Content-Length (the daemon and the baselines always send one; anything else is refused).
const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

export interface RawAnswer {
  status: number;
  body: Buffer;
  /** Where the next answer starts in the bytes read. */
  end: number;
}

/** The answer at the start of `received`; undefined while incomplete; 'unframed' without a Content-Length. */
export function readAnswer(received: Buffer): RawAnswer | 'unframed' | undefined {
  const headerEnd = received.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = received.toString('latin1', 0, headerEnd);
  const length = CONTENT_LENGTH.exec(head);
  if (!length) return 'unframed';
  const end = headerEnd + HEADER_END.length + Number(length[1]);
  if (received.length < end) return undefined;
  return { status: Number(head.slice(9, 12)), body: received.subarray(headerEnd + HEADER_END.length, end), end };
}

/** A stubbed fetch for the GitHub client: records each request, answers from a script. */
import type { Fetch } from '../../../tools/delivery';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
  readonly headers: Record<string, string>;
}

export interface Answer {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly link?: string;
}

/** Answers the requests in order; a request beyond the script fails the test. */
export function stubFetch(answers: readonly Answer[]): {
  fetch: Fetch;
  requests: RecordedRequest[];
} {
  const requests: RecordedRequest[] = [];
  const queue = [...answers];
  const fetch: Fetch = async (url, init) => {
    requests.push({
      method: String(init.method),
      url,
      ...(init.body === undefined ? {} : { body: JSON.parse(String(init.body)) }),
      headers: init.headers as Record<string, string>,
    });
    const answer = queue.shift();
    if (!answer) throw new Error(`unexpected request ${init.method} ${url}`);
    const status = answer.status ?? 200;
    const body = status === 204 ? null : (answer.text ?? JSON.stringify(answer.json ?? {}));
    return new Response(body, {
      status,
      headers: answer.link ? { link: answer.link } : {},
    });
  };
  return { fetch, requests };
}

/** `[method, url, body]` of each request, the shape the tests assert. */
export function calls(requests: readonly RecordedRequest[]): unknown[][] {
  return requests.map((r) =>
    r.body === undefined ? [r.method, r.url] : [r.method, r.url, r.body],
  );
}

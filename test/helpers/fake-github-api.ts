/**
 * @module Test helper: a local HTTP server on 127.0.0.1 that answers like GitHub's REST API for
 * the requests posting makes (issue comments with Link-header pagination, comment updates,
 * commit statuses), records every request, and can be told to fail the next requests of a route.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/repos/o/r/issues/7/comments?per_page=100&page=2`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown> | undefined;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
}

export interface FakeStatus {
  readonly sha: string;
  readonly state: string;
  readonly context: string;
  readonly description: string;
  readonly target_url?: string;
}

export interface ScriptedAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The request takes effect (a comment is stored, say) and then this answer is sent: a gateway failing after the write. */
  readonly afterWrite?: boolean;
}

export interface FakeGithubApi {
  /** Base URL for GITHUB_API_URL. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly comments: FakeComment[];
  readonly statuses: FakeStatus[];
  /** Requests as `METHOD /path` (query dropped), in order. */
  calls(): string[];
  /** Answer the next requests matching `METHOD /path` (exact, query ignored) with these, in order. */
  script(route: string, answers: readonly ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startFakeGithubApi({
  owner = 'o',
  repo = 'r',
  token,
}: {
  owner?: string;
  repo?: string;
  /** When set, any other Authorization is answered with 401. */
  token?: string;
} = {}): Promise<FakeGithubApi> {
  const requests: RecordedRequest[] = [];
  const comments: FakeComment[] = [];
  const statuses: FakeStatus[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  let nextId = 1000;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const method = req.method ?? 'GET';
      requests.push({ method, url: `${url.pathname}${url.search}`, headers: req.headers, body });

      const scripted = scripts.get(`${method} ${url.pathname}`)?.shift();
      if (scripted && !scripted.afterWrite) return send(res, scripted.status, scripted.body ?? {}, scripted.headers);
      const answer = (r: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) =>
        scripted ? send(r, scripted.status, scripted.body ?? {}, scripted.headers) : send(r, status, payload, headers);
      const auth = req.headers.authorization ?? '';
      if (token !== undefined && auth !== `token ${token}` && auth !== `bearer ${token}`) {
        return answer(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      }
      const base = `/repos/${owner}/${repo}`;
      if (!url.pathname.startsWith(`${base}/`)) return answer(res, 404, { message: 'Not Found' });
      const route = url.pathname.slice(base.length);
      const html = (c: FakeComment) => `https://github.test/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`;
      const shape = (c: FakeComment) => ({ id: c.id, body: c.body, html_url: html(c), user: { login: 'github-actions[bot]' } });

      let m = /^\/issues\/(\d+)\/comments$/.exec(route);
      if (m && method === 'GET') {
        const issue = Number(m[1]);
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const all = comments.filter((c) => c.issue === issue);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const link = (p: number, rel: string) => {
          const u = new URL(url);
          u.searchParams.set('page', String(p));
          return `<${u.href}>; rel="${rel}"`;
        };
        const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
        return answer(res, 200, all.slice((page - 1) * perPage, page * perPage).map(shape), links.length ? { link: links.join(', ') } : {});
      }
      if (m && method === 'POST') {
        const c = { id: nextId++, issue: Number(m[1]), body: String(body?.body) };
        comments.push(c);
        return answer(res, 201, shape(c));
      }
      m = /^\/issues\/comments\/(\d+)$/.exec(route);
      if (m && method === 'PATCH') {
        const c = comments.find((x) => x.id === Number(m?.[1]));
        if (!c) return answer(res, 404, { message: 'Not Found' });
        c.body = String(body?.body);
        return answer(res, 200, shape(c));
      }
      m = /^\/statuses\/([0-9a-f]{7,40})$/.exec(route);
      if (m && method === 'POST') {
        const s = { sha: m[1] as string, ...(body as Omit<FakeStatus, 'sha'>) };
        statuses.push(s);
        return answer(res, 201, { id: statuses.length, ...s });
      }
      return answer(res, 404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    comments,
    statuses,
    calls: () => requests.map((r) => `${r.method} ${r.url.split('?')[0]}`),
    script: (route, answers) => scripts.set(route, [...(scripts.get(route) ?? []), ...answers]),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

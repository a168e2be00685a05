// A loopback server that speaks the part of Jira Cloud REST v3 amiwarden uses: JQL search
// by label, create issue, list/add comments, read status, list/run transitions.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JiraIssue {
  key: string;
  fields: {
    summary: string;
    labels: string[];
    project: { key: string };
    description: unknown;
    issuetype: { name: string };
  };
  comments: unknown[];
  status: 'To Do' | 'Done';
}

export interface JiraReceiver {
  url: string;
  issues: JiraIssue[];
  /** Method and path of every request, for asserting on the calls. */
  calls: string[];
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startJira(expectAuth: string): Promise<JiraReceiver> {
  const issues: JiraIssue[] = [];
  const calls: string[] = [];
  let failing = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
        : {};
      const url = new URL(req.url ?? '/', 'http://x');
      calls.push(`${req.method} ${url.pathname}`);
      const send = (status: number, json?: unknown) => {
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(json === undefined ? '' : JSON.stringify(json));
      };
      if (req.headers.authorization !== expectAuth) return send(401, { errorMessages: ['unauthorized'] });
      if (failing > 0) {
        failing--;
        return send(503, { errorMessages: ['down for maintenance'] });
      }
      const m = url.pathname.match(/^\/rest\/api\/3\/issue\/([^/]+)(\/comment|\/transitions)?$/);
      const issue = m ? issues.find((i) => i.key === decodeURIComponent(m[1]!)) : undefined;
      if (req.method === 'POST' && url.pathname === '/rest/api/3/search/jql') {
        const label = /labels = "([^"]+)"/.exec(String(body.jql))?.[1];
        const hits = issues.filter((i) => label && i.fields.labels.includes(label));
        return send(200, {
          issues: hits.slice(0, Number(body.maxResults ?? 50)).map((i) => ({ key: i.key })),
        });
      }
      if (req.method === 'POST' && url.pathname === '/rest/api/3/issue') {
        const fields = body.fields as JiraIssue['fields'];
        const key = `${fields.project.key}-${issues.length + 1}`;
        issues.push({ key, fields, comments: [], status: 'To Do' });
        return send(201, { id: String(issues.length), key, self: `/rest/api/3/issue/${key}` });
      }
      if (!m || !issue) return send(404, { errorMessages: ['Issue does not exist'] });
      if (m[2] === '/comment' && req.method === 'GET')
        return send(200, { comments: issue.comments.map((b) => ({ body: b })) });
      if (m[2] === '/comment' && req.method === 'POST') {
        issue.comments.push(body.body);
        return send(201, { id: String(issue.comments.length) });
      }
      if (m[2] === '/transitions' && req.method === 'GET')
        return send(200, {
          transitions:
            issue.status === 'Done' ? [{ id: '11', name: 'Reopen' }] : [{ id: '31', name: 'Done' }],
        });
      if (m[2] === '/transitions' && req.method === 'POST') {
        if ((body.transition as { id: string }).id !== '31')
          return send(400, { errorMessages: ['bad transition'] });
        issue.status = 'Done';
        return send(204);
      }
      if (!m[2] && req.method === 'GET')
        return send(200, {
          key: issue.key,
          fields: {
            status: { name: issue.status, statusCategory: { key: issue.status === 'Done' ? 'done' : 'new' } },
          },
        });
      return send(405, { errorMessages: ['not supported here'] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    issues,
    calls,
    failNext(n) {
      failing = n;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// Real loopback receivers standing in for Slack, a webhook consumer, Jira and an SMTP relay.
// Each keeps what it received so tests assert on the wire, not on our own bookkeeping.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  url: string;
  /** Every request, including the ones answered with a failure. */
  requests: Received[];
  /** Requests answered 2xx: what a real receiver would have accepted. */
  accepted: Received[];
  /** Answer the next n requests with `status` (default 503). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A Slack-like or webhook receiver: answers `ok`, or fails on demand. */
export async function startHttpReceiver(): Promise<HttpReceiver> {
  let failing = 0;
  let failStatus = 503;
  const requests: Received[] = [];
  const accepted: Received[] = [];
  const server = createServer(async (req, res) => {
    const r = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: await readBody(req),
    };
    requests.push(r);
    if (failing > 0) {
      failing--;
      res.writeHead(failStatus, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    accepted.push(r);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  const url = await listen(server);
  return {
    url,
    requests,
    accepted,
    failNext(n, status = 503) {
      failing = n;
      failStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  user: string | undefined;
}

export interface SmtpReceiver {
  port: number;
  mails: Mail[];
  failNext(n: number): void;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on loopback; with `password`, AUTH is required and checked. */
export async function startSmtp(opts: { user?: string; password?: string } = {}): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  let failing = 0;
  const server = new SMTPServer({
    disabledCommands: opts.password ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.password,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.password) cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failing > 0) {
          failing--;
          const err = new Error('try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          return cb(err);
        }
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    failNext(n) {
      failing = n;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Form parameters of the query protocols. EC2 flattens lists (`ImageId.1`), awsQuery nests them
 * under `.member.N` and sends an explicitly empty list as a bare key (`Names=`).
 */
export interface Filter {
  name: string;
  values: string[];
}

export class QueryParams {
  readonly raw: Map<string, string>;

  constructor(body: string) {
    this.raw = new Map(new URLSearchParams(body));
  }

  str(name: string): string | undefined {
    return this.raw.get(name);
  }

  bool(name: string): boolean | undefined {
    const v = this.raw.get(name);
    return v === undefined ? undefined : v.toLowerCase() === 'true';
  }

  int(name: string): number | undefined {
    const v = this.raw.get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isInteger(n) ? n : NaN;
  }

  /** `Prefix.1`, `Prefix.2`, ... in index order. */
  list(prefix: string): string[] {
    return this.indexed(prefix, (rest) => (rest === '' ? '' : undefined))
      .map(([, v]) => v)
      .filter((v): v is string => v !== undefined);
  }

  /** awsQuery `Prefix.member.N`; a bare `Prefix=` is an empty list, an absent key undefined. */
  memberList(prefix: string): string[] | undefined {
    const out = this.list(`${prefix}.member`);
    if (out.length > 0) return out;
    return this.raw.has(prefix) ? [] : undefined;
  }

  /** Structures in a flattened list: `Prefix.N.Field[.sub]=v` → one record per N, keyed by the rest. */
  structs(prefix: string): Map<string, string>[] {
    const groups = new Map<number, Map<string, string>>();
    const head = `${prefix}.`;
    for (const [k, v] of this.raw) {
      if (!k.startsWith(head)) continue;
      const rest = k.slice(head.length);
      const dot = rest.indexOf('.');
      if (dot < 0) continue;
      const n = Number(rest.slice(0, dot));
      if (!Number.isInteger(n)) continue;
      let g = groups.get(n);
      if (!g) groups.set(n, (g = new Map()));
      g.set(rest.slice(dot + 1), v);
    }
    return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
  }

  /** EC2 `Filter.N.Name` + `Filter.N.Value.M`; awsQuery `Filters.member.N.Name` + `.Values.member.M`. */
  filters(style: 'ec2' | 'query' = 'ec2'): Filter[] {
    const prefix = style === 'ec2' ? 'Filter' : 'Filters.member';
    const valueKey = style === 'ec2' ? /^Value\.([0-9]+)$/ : /^Values\.member\.([0-9]+)$/;
    return this.structs(prefix).map((g) => {
      const values: [number, string][] = [];
      for (const [k, v] of g) {
        const m = valueKey.exec(k);
        if (m) values.push([Number(m[1]), v]);
      }
      return { name: g.get('Name') ?? '', values: values.sort((a, b) => a[0] - b[0]).map(([, v]) => v) };
    });
  }

  /** A stable fingerprint of the request minus paging keys, so a token only continues its own listing. */
  fingerprint(): string {
    return [...this.raw]
      .filter(([k]) => k !== 'NextToken' && k !== 'MaxResults' && k !== 'MaxRecords' && k !== 'DryRun')
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  }

  private indexed(
    prefix: string,
    tail: (rest: string) => string | undefined,
  ): [number, string | undefined][] {
    const out: [number, string | undefined][] = [];
    const head = `${prefix}.`;
    for (const [k, v] of this.raw) {
      if (!k.startsWith(head)) continue;
      const rest = k.slice(head.length);
      const dot = rest.indexOf('.');
      const n = Number(dot < 0 ? rest : rest.slice(0, dot));
      if (!Number.isInteger(n)) continue;
      if (tail(dot < 0 ? '' : rest.slice(dot + 1)) === undefined) continue;
      out.push([n, v]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }
}

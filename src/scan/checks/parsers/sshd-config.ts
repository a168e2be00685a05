import type { CheckContext } from '../template.ts';
import { expandGlob, readText } from './files.ts';
import { normalizeImagePath } from '../../vfs/vfs.ts';

/**
 * sshd's configuration as `sshd -T` would resolve it for a connection that matches no Match block:
 * files are read in Include order (glob results sorted), the first value of a keyword wins, and
 * keywords never set take OpenSSH's compiled defaults. Match blocks are kept apart so checks can
 * report what they override instead of silently mixing them in.
 */
export interface SshdSetting {
  readonly value: string;
  readonly path: string;
  readonly line: number;
}

export interface SshdMatchBlock {
  readonly criteria: string;
  readonly path: string;
  readonly line: number;
  readonly settings: ReadonlyMap<string, SshdSetting>;
}

export interface SshdConfig {
  readonly present: boolean;
  readonly global: ReadonlyMap<string, SshdSetting>;
  readonly matches: readonly SshdMatchBlock[];
  /** Files read, in order. */
  readonly files: readonly string[];
}

export const SSHD_CONFIG = '/etc/ssh/sshd_config';
export const SSHD_READS = ['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/*', '/etc/ssh/*'];

/** OpenSSH 9.x compiled defaults (servconf.c fill_default_server_options) for the keywords CIS asks about. */
export const SSHD_DEFAULTS: Readonly<Record<string, string>> = {
  permitrootlogin: 'prohibit-password',
  maxauthtries: '6',
  maxsessions: '10',
  maxstartups: '10:30:100',
  logingracetime: '120',
  clientaliveinterval: '0',
  clientalivecountmax: '3',
  permitemptypasswords: 'no',
  permituserenvironment: 'no',
  usepam: 'no',
  hostbasedauthentication: 'no',
  ignorerhosts: 'yes',
  gssapiauthentication: 'no',
  loglevel: 'INFO',
  x11forwarding: 'no',
  allowtcpforwarding: 'yes',
  disableforwarding: 'no',
  banner: 'none',
  ciphers:
    'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com',
  macs: 'umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1',
  kexalgorithms:
    'sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256',
};

// Keywords whose every occurrence adds to the value instead of the first one winning.
const ACCUMULATE = new Set(['allowusers', 'allowgroups', 'denyusers', 'denygroups', 'hostkey', 'acceptenv']);

function splitLine(text: string): { key: string; value: string } | undefined {
  const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(text);
  if (!m) return undefined;
  return { key: m[1]!.toLowerCase(), value: m[2]!.replace(/^"(.*)"$/, '$1').trim() };
}

export async function readSshdConfig(ctx: CheckContext): Promise<SshdConfig> {
  return ctx.memo('sshd-config', async () => {
    const global = new Map<string, SshdSetting>();
    const matches: Array<{
      criteria: string;
      path: string;
      line: number;
      settings: Map<string, SshdSetting>;
    }> = [];
    const files: string[] = [];
    const set = (map: Map<string, SshdSetting>, key: string, s: SshdSetting): void => {
      const prev = map.get(key);
      if (!prev) map.set(key, s);
      else if (ACCUMULATE.has(key)) map.set(key, { ...prev, value: `${prev.value} ${s.value}` });
    };
    const readOne = async (path: string, depth: number): Promise<boolean> => {
      const text = await readText(ctx.vfs, path);
      if (text === undefined) return false;
      files.push(path);
      // A Match block opened in an included file ends with that file, as in sshd.
      let block: (typeof matches)[number] | undefined;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const t = lines[i]!.trim();
        if (t === '' || t.startsWith('#')) continue;
        const kv = splitLine(t);
        if (!kv) continue;
        if (kv.key === 'match') {
          block = /^all$/i.test(kv.value)
            ? undefined
            : { criteria: kv.value, path, line: i + 1, settings: new Map() };
          if (block) matches.push(block);
          continue;
        }
        if (kv.key === 'include') {
          if (depth > 16) continue;
          for (const pattern of kv.value.split(/\s+/)) {
            const abs = pattern.startsWith('/') ? pattern : normalizeImagePath('/etc/ssh', pattern);
            for (const f of await expandGlob(ctx.vfs, abs)) await readOne(f, depth + 1);
          }
          continue;
        }
        set(block ? block.settings : global, kv.key, { value: kv.value, path, line: i + 1 });
      }
      return true;
    };
    const present = await readOne(SSHD_CONFIG, 0);
    return { present, global, matches, files };
  });
}

/** The effective global value of a keyword (lower-case), with where it came from; default when unset. */
export function effective(
  cfg: SshdConfig,
  keyword: string,
): SshdSetting | { value: string; path?: undefined; line?: undefined } | undefined {
  const k = keyword.toLowerCase();
  return cfg.global.get(k) ?? (SSHD_DEFAULTS[k] !== undefined ? { value: SSHD_DEFAULTS[k] } : undefined);
}

/** sshd time format: "90", "1m", "1h30m", "2w"; undefined when malformed. */
export function sshdSeconds(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  const re = /(\d+)([smhdw])/giy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * units[m[2]!.toLowerCase()]!;
    consumed = re.lastIndex;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globBase, globMatch, globMayMatchBelow } from './glob.ts';

test('globMatch: * stays in a segment, ** spans segments, ? is one character', () => {
  assert.ok(globMatch('/etc/ssh/sshd_config.d/*.conf', '/etc/ssh/sshd_config.d/50-cis.conf'));
  assert.ok(!globMatch('/etc/ssh/sshd_config.d/*.conf', '/etc/ssh/sshd_config.d/a/b.conf'));
  assert.ok(globMatch('/home/*/.ssh/authorized_keys', '/home/alice/.ssh/authorized_keys'));
  assert.ok(globMatch('/var/log/**', '/var/log/apt/history.log'));
  assert.ok(globMatch('/var/log/**', '/var/log'));
  assert.ok(globMatch('/**/id_?sa', '/root/.ssh/id_rsa'));
  assert.ok(!globMatch('/etc/a.conf', '/etc/aXconf'), 'a dot is literal');
  assert.ok(!globMatch('/etc/*', '/etc'));
});

test('globMayMatchBelow and globBase guide walks to what a glob needs', () => {
  assert.ok(globMayMatchBelow('/home/*/.ssh/authorized_keys', '/home'));
  assert.ok(globMayMatchBelow('/home/*/.ssh/authorized_keys', '/home/bob/.ssh'));
  assert.ok(!globMayMatchBelow('/home/*/.ssh/authorized_keys', '/etc'));
  assert.ok(globMayMatchBelow('/var/**', '/var/lib/x/y'));
  assert.ok(globMayMatchBelow('/etc/x', '/'));
  assert.equal(globBase('/etc/ssh/*.conf'), '/etc/ssh');
  assert.equal(globBase('/**'), '/');
});

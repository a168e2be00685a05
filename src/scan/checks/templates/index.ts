import type { TSchema } from '@sinclair/typebox';
import type { CheckTemplate } from '../template.ts';
import { template as accountDb } from './account-db.ts';
import { template as auditRules } from './audit-rules.ts';
import { template as authorizedKeysAbsent } from './authorized-keys-absent.ts';
import { template as bannerContent } from './banner-content.ts';
import { template as buildLeftovers } from './build-leftovers.ts';
import { template as cloudInitSettings } from './cloud-init-settings.ts';
import { template as configKey } from './config-key.ts';
import { template as credentialFilesAbsent } from './credential-files-absent.ts';
import { template as fileContent } from './file-content.ts';
import { template as fileModeOwner } from './file-mode-owner.ts';
import { template as grubConfig } from './grub-config.ts';
import { template as historyFilesClean } from './history-files-clean.ts';
import { template as homeDirs } from './home-dirs.ts';
import { template as kernelModuleDisabled } from './kernel-module-disabled.ts';
import { template as loginDefsKey } from './login-defs-key.ts';
import { template as logsEmpty } from './logs-empty.ts';
import { template as machineIdEmpty } from './machine-id-empty.ts';
import { template as mountOption } from './mount-option.ts';
import { template as packageAbsent } from './package-absent.ts';
import { template as packageInstalled } from './package-installed.ts';
import { template as pamModule } from './pam-module.ts';
import { template as pamSetting } from './pam-setting.ts';
import { template as pamWheelGroup } from './pam-wheel-group.ts';
import { template as pathsAbsent } from './paths-absent.ts';
import { template as privateKeysAbsent } from './private-keys-absent.ts';
import { template as rootPath } from './root-path.ts';
import { template as sshHostKeysAbsent } from './ssh-host-keys-absent.ts';
import { template as sshdConfigPerms } from './sshd-config-perms.ts';
import { template as sshdOption } from './sshd-option.ts';
import { template as sudoSetting } from './sudo-setting.ts';
import { template as sysctlKey } from './sysctl-key.ts';
import { template as systemdUnitState } from './systemd-unit-state.ts';
import { template as treeWalk } from './tree-walk.ts';

/**
 * The one registry of check templates, sorted by id. Each file under templates/ exports
 * `template` made with defineCheckTemplate, and its id equals its file name; add one import and
 * one line below, in order. A duplicate id throws when the registry is built.
 */
export const TEMPLATES: readonly CheckTemplate<TSchema>[] = [
  accountDb,
  auditRules,
  authorizedKeysAbsent,
  bannerContent,
  buildLeftovers,
  cloudInitSettings,
  configKey,
  credentialFilesAbsent,
  fileContent,
  fileModeOwner,
  grubConfig,
  historyFilesClean,
  homeDirs,
  kernelModuleDisabled,
  loginDefsKey,
  logsEmpty,
  machineIdEmpty,
  mountOption,
  packageAbsent,
  packageInstalled,
  pamModule,
  pamSetting,
  pamWheelGroup,
  pathsAbsent,
  privateKeysAbsent,
  rootPath,
  sshHostKeysAbsent,
  sshdConfigPerms,
  sshdOption,
  sudoSetting,
  sysctlKey,
  systemdUnitState,
  treeWalk,
];

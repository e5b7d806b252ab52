import { resolve } from 'node:path';

/** This workspace's root package and its script that runs the CLI from source: `pnpm conform …`. */
const WORKSPACE_PACKAGE = 'council-conform';
const WORKSPACE_SCRIPT = 'conform';

/**
 * The directory the user typed the command in, where every path they give starts.
 *
 * `pnpm conform …` runs the CLI at the workspace root whatever directory it was typed in, and names that
 * directory INIT_CWD. An installed `conform` already runs where it was typed. Inside a supplier's own npm
 * script INIT_CWD is where `npm run` (or `pnpm --filter … run`) was typed, while the paths in the script are
 * written from the script's package, so INIT_CWD counts only under this workspace's own script.
 */
export function userCwd(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const typedIn = env.INIT_CWD;
  const underWorkspaceScript =
    env.npm_package_name === WORKSPACE_PACKAGE && env.npm_lifecycle_event === WORKSPACE_SCRIPT;
  return typedIn && underWorkspaceScript ? typedIn : process.cwd();
}

/** A path the user typed, made absolute from where they typed it (an absolute path stays as it is). */
export function fromUserCwd(path: string, env?: Readonly<Record<string, string | undefined>>): string {
  return resolve(userCwd(env), path);
}

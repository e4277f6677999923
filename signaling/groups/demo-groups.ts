import { nameKey } from '../../shared/names.js';
import type { Logger } from '../logger.js';
import type { GroupService } from './group-service.js';

/**
 * The groups `--demo` creates among the demo accounts (see auth/demo-accounts.ts), as the old program
 * had them; the first member listed is the creator.
 */
export const DEMO_GROUPS: ReadonlyArray<{ name: string; members: readonly string[] }> = [
  { name: '闲聊群', members: ['kirito', 'alice'] },
  { name: '学习群', members: ['admin', 'asuna'] },
  { name: '宿舍群', members: ['asuna', 'saber', 'alice'] },
];

/**
 * Creates each demo group unless one of its members is still in a group of that name and creator, so a
 * restart on the same data creates nothing. Run after the demo accounts exist.
 */
export async function ensureDemoGroups(groups: GroupService, logger: Logger): Promise<void> {
  const created: string[] = [];
  for (const { name, members } of DEMO_GROUPS) {
    const [creator, ...others] = members.map(nameKey);
    if (creator === undefined) throw new TypeError(`demo group ${name} has no members`);
    if (await exists(groups, name, creator, [creator, ...others])) continue;
    const result = await groups.create(creator, name, others);
    if (!result.ok) throw new TypeError(`demo group ${name}: ${result.failure.message}`);
    // The operator set the demo up for everyone in it: its members accept at once.
    for (const key of result.invited.keys) await groups.accept(key, result.group.id);
    created.push(name);
  }
  logger.info({ created }, 'demo groups ready');
}

async function exists(
  groups: GroupService,
  name: string,
  creator: string,
  members: string[],
): Promise<boolean> {
  for (const member of members) {
    const found = await groups.groupsOf(member);
    if (found.some((group) => group.name === name && group.creatorKey === creator)) return true;
  }
  return false;
}

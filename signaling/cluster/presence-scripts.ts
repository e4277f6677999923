/**
 * The Lua scripts that change the cluster's presence. Each changes the hash (name key → a value of
 * presence-value.ts, `node|…`: the scripts read only the node), bumps the version counter and
 * publishes the delta `[version, 1 online | 0 offline, key, value]` in one atomic step, so every node sees the changes in version order and can tell a gap (Synapse's
 * replication positions; Centrifugo's presence hash). All take KEYS = [hash, version] and ARGV[1] = the
 * channel.
 */

/** Writes `value` under `field` and publishes it. Returns the version. */
export const ONLINE_SCRIPT = `
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
local v = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[1], cjson.encode({v, 1, ARGV[2], ARGV[3]}))
return v`;

/**
 * Removes `field` only if it still holds `value` (this node's session): after a newer login elsewhere
 * it holds another node's, which stays. Returns the version, or 0 when nothing changed.
 */
export const OFFLINE_SCRIPT = `
if redis.call('HGET', KEYS[1], ARGV[2]) ~= ARGV[3] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[2])
local v = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[1], cjson.encode({v, 0, ARGV[2], ARGV[3]}))
return v`;

/** The version and the whole hash, read together. */
export const SNAPSHOT_SCRIPT = `
return {redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[1])}`;

/** Removes (and publishes) every entry whose value passes \`doomed(value)\`. */
const removeWhere = (doomed: string): string => `
local all = redis.call('HGETALL', KEYS[1])
local removed = 0
for i = 1, #all, 2 do
  local field, value = all[i], all[i + 1]
  if ${doomed} then
    redis.call('HDEL', KEYS[1], field)
    local v = redis.call('INCR', KEYS[2])
    redis.call('PUBLISH', ARGV[1], cjson.encode({v, 0, field, value}))
    removed = removed + 1
  end
end
return removed`;

/**
 * The sweeper: removes the users of every node whose liveness key (ARGV[2] .. node) has expired.
 * Returns how many users it took offline.
 */
export const SWEEP_SCRIPT = `
local alive = {}
local function dead(value)
  local node = string.match(value, '^([^|]*)|')
  if alive[node] == nil then alive[node] = redis.call('EXISTS', ARGV[2] .. node) == 1 end
  return not alive[node]
end
${removeWhere('dead(value)')}`;

/** A node shutting down: removes the users of node ARGV[2]. */
export const DROP_NODE_SCRIPT = `
local prefix = ARGV[2] .. '|'
${removeWhere('string.sub(value, 1, #prefix) == prefix')}`;

/**
 * A node back after Redis was away (or restarted empty): ARGV[2] is the node, then field/value pairs
 * of its sessions. Its entries that are no longer sessions go; its sessions missing from the hash
 * come back. An entry another node wrote meanwhile stays: that login is newer, and the snapshot that
 * follows tells this node to close its own.
 */
export const RESYNC_SCRIPT = `
local prefix = ARGV[2] .. '|'
local mine = {}
for i = 3, #ARGV, 2 do mine[ARGV[i]] = ARGV[i + 1] end
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local field, value = all[i], all[i + 1]
  if string.sub(value, 1, #prefix) == prefix and mine[field] ~= value then
    redis.call('HDEL', KEYS[1], field)
    local v = redis.call('INCR', KEYS[2])
    redis.call('PUBLISH', ARGV[1], cjson.encode({v, 0, field, value}))
  end
end
for field, value in pairs(mine) do
  if not redis.call('HGET', KEYS[1], field) then
    redis.call('HSET', KEYS[1], field, value)
    local v = redis.call('INCR', KEYS[2])
    redis.call('PUBLISH', ARGV[1], cjson.encode({v, 1, field, value}))
  end
end
return 0`;

package dev.slate.storage.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The Lua scripts of the aggregation buckets (docs/specs/online-store-redis.md, section 7). Each runs atomically on
 * one key (or on several keys of one hash slot, {@link #READ}). Stamps and observed times are compared as exact
 * decimal integers, as in {@link NewerWinsScript}.
 */
final class BucketScripts {

    /** A script with its SHA-1, sent with EVALSHA first and EVAL when the server does not know it. */
    record Script(String source, String sha1) {
        Request call(boolean withSource, List<?> keys) {
            Request r = withSource
                    ? Request.cmd(Command.EVAL).arg(source)
                    : Request.cmd(Command.EVALSHA).arg(sha1);
            r.arg(keys.size());
            for (Object k : keys) {
                if (k instanceof byte[] b) {
                    r.arg(b);
                } else {
                    r.arg(k.toString());
                }
            }
            return r;
        }
    }

    private static final String OLDER = NewerWinsScript.OLDER + """
            local function stamp(v)
              local bar = string.find(v, '|', 1, true)
              if not bar or bar == 1 then return nil end
              return string.sub(v, 1, bar - 1)
            end
            local function extend(key, pttl, want)
              if pttl == -2 or (pttl >= 0 and pttl < want) then redis.call('PEXPIRE', key, want) end
            end
            """;

    /**
     * Row record merge. KEYS[1] the row key; ARGV[1] the retention in ms; then (field, stored value) pairs, each
     * written unless the stored value has a strictly greater observed time. Answers the whole record (HGETALL).
     */
    static final Script MERGE = script(OLDER + """
            local key = KEYS[1]
            local pttl = redis.call('PTTL', key)
            for i = 2, #ARGV, 2 do
              local current = redis.call('HGET', key, ARGV[i])
              local s = current and stamp(current)
              if not (s and older(stamp(ARGV[i + 1]), s)) then
                redis.call('HSET', key, ARGV[i], ARGV[i + 1])
              end
            end
            extend(key, pttl, tonumber(ARGV[1]))
            return redis.call('HGETALL', key)
            """);

    /**
     * One contribution of a bucket. KEYS[1] the bucket key, KEYS[2] its tile's key; ARGV[1] the row field, ARGV[2]
     * {@code stamp|c<bytes>} or {@code stamp|x}, ARGV[3] the retention in ms. Newer stamp wins; a change drops the
     * cached state {@code ~s} of the bucket and of its tile and increments both generations {@code ~g}. Answers 1
     * when written.
     */
    static final Script PLACE = script(OLDER + """
            local key = KEYS[1]
            local tile = KEYS[2]
            local pttl = redis.call('PTTL', key)
            local current = redis.call('HGET', key, ARGV[1])
            local s = current and stamp(current)
            if s and older(stamp(ARGV[2]), s) then return 0 end
            if current ~= ARGV[2] then
              redis.call('HSET', key, ARGV[1], ARGV[2])
              redis.call('HDEL', key, '~s')
              redis.call('HINCRBY', key, '~g', 1)
              local tpttl = redis.call('PTTL', tile)
              redis.call('HDEL', tile, '~s')
              redis.call('HINCRBY', tile, '~g', 1)
              extend(tile, tpttl, tonumber(ARGV[3]))
            end
            extend(key, pttl, tonumber(ARGV[3]))
            return 1
            """);

    /**
     * Reads buckets and tiles of one hash slot. ARGV lists the items: {@code 1} for a bucket (its key is next in
     * KEYS), {@code n > 1} for a tile (its key, then its n − 1 bucket keys). Per bucket: {} when it has never changed
     * (absent), {g, 's', state} when its state is cached, else {g, 'r', contribution…} (tombstones left out). Per
     * tile: {g, 's', state} when its state is cached (its buckets are not read), else {g, 't', bucket…} with each of
     * its buckets as above; g is 0 for a tile that has never changed.
     */
    static final Script READ = script("""
            local function bucket(key)
              local g = redis.call('HGET', key, '~g')
              if not g then return {} end
              local s = redis.call('HGET', key, '~s')
              if s then return {g, 's', s} end
              local all = redis.call('HGETALL', key)
              local t = {g, 'r'}
              for j = 1, #all, 2 do
                if string.sub(all[j], 1, 1) ~= '~' then
                  local v = all[j + 1]
                  local bar = string.find(v, '|', 1, true)
                  if bar and string.sub(v, bar + 1, bar + 1) == 'c' then t[#t + 1] = string.sub(v, bar + 2) end
                end
              end
              return t
            end
            local out = {}
            local k = 1
            for i = 1, #ARGV do
              local n = tonumber(ARGV[i])
              if n == 1 then
                out[i] = bucket(KEYS[k])
              else
                local tile = KEYS[k]
                local g = redis.call('HGET', tile, '~g') or '0'
                local s = redis.call('HGET', tile, '~s')
                if s then
                  out[i] = {g, 's', s}
                else
                  local t = {g, 't'}
                  for j = 1, n - 1 do t[#t + 1] = bucket(KEYS[k + j]) end
                  out[i] = t
                end
              end
              k = k + n
            end
            return out
            """);

    /** Caches a bucket's state. KEYS[1] the bucket; ARGV[1] the generation read, ARGV[2] the state. */
    static final Script SAVE = script("""
            if redis.call('HGET', KEYS[1], '~g') == ARGV[1] then
              redis.call('HSET', KEYS[1], '~s', ARGV[2])
              return 1
            end
            return 0
            """);

    /**
     * Caches a tile's merged state. KEYS[1] the tile; ARGV[1] the generation read (0: never changed), ARGV[2] the
     * state, ARGV[3] the time to live in ms when the tile has none (it was created by this save).
     */
    static final Script SAVE_TILE = script("""
            local g = redis.call('HGET', KEYS[1], '~g') or '0'
            if g ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], '~g', g, '~s', ARGV[2])
            if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
            return 1
            """);

    private BucketScripts() {}

    private static Script script(String source) {
        try {
            return new Script(
                    source,
                    HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-1")
                                    .digest(source.getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }
}

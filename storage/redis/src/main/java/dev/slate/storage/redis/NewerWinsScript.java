package dev.slate.storage.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua script that stores the values of one entity hash atomically, newer-wins per field, and
 * sets the key's expiry. Called with one key and a flat list of {@code (field, stored value,
 * retention millis)} triples; a retention of {@code -1} means "keep until overwritten". Returns the
 * number of fields written.
 *
 * <p>Per field: the value is written unless the stored one has a strictly greater observed time
 * (equal times: the later write wins). The observed times are compared as decimal integers of any
 * length and sign, so they are exact (Lua numbers are doubles and would not be).
 *
 * <p>Expiry, looking only at the fields written: if any was written without retention, the key is
 * made persistent; otherwise with R = the largest retention, a new key expires in R, an expiring key
 * is extended to R when its time to live is shorter, and a persistent existing key stays persistent.
 * A retention never shortens the life of a key.
 */
final class NewerWinsScript {

    /** Lua: {@code older(a, b)}, true when decimal integer text a is less than b (any sign and length, exact). */
    static final String OLDER = """
            local function older(a, b)
              local an = string.byte(a, 1) == 45
              local bn = string.byte(b, 1) == 45
              if an ~= bn then return an end
              if #a ~= #b then
                if an then return #a > #b end
                return #a < #b
              end
              if an then return a > b end
              return a < b
            end
            """;

    static final String SOURCE = "local key = KEYS[1]\n" + OLDER + """
            local pttl = redis.call('PTTL', key)
            local want = nil
            local written = 0
            for i = 1, #ARGV, 3 do
              local field = ARGV[i]
              local stored = ARGV[i + 1]
              local retention = tonumber(ARGV[i + 2])
              local newAt = string.sub(stored, 1, string.find(stored, '|', 1, true) - 1)
              local current = redis.call('HGET', key, field)
              local accept = true
              if current then
                local bar = string.find(current, '|', 1, true)
                if bar and bar > 1 and older(newAt, string.sub(current, 1, bar - 1)) then
                  accept = false
                end
              end
              if accept then
                redis.call('HSET', key, field, stored)
                written = written + 1
                if retention < 0 or want == -1 then
                  want = -1
                elseif want == nil or retention > want then
                  want = retention
                end
              end
            end
            if want == -1 then
              if pttl >= 0 then redis.call('PERSIST', key) end
            elseif want ~= nil then
              if pttl == -2 or (pttl >= 0 and pttl < want) then redis.call('PEXPIRE', key, want) end
            end
            return written
            """;

    static final String SHA1 = sha1(SOURCE);

    private NewerWinsScript() {}

    /** {@code EVALSHA sha 1 key}; the caller appends the triples. */
    static Request evalsha(String key) {
        return Request.cmd(Command.EVALSHA).arg(SHA1).arg(1).arg(key);
    }

    /** {@code EVAL source 1 key}; the caller appends the triples. Also caches the script on the server. */
    static Request eval(String key) {
        return Request.cmd(Command.EVAL).arg(SOURCE).arg(1).arg(key);
    }

    /** True when a failure says the server does not know the script (restart, SCRIPT FLUSH, new node). */
    static boolean isNoScript(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.contains("NOSCRIPT");
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }
}

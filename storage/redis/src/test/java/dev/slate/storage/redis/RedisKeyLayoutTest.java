package dev.slate.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.ValueCodec;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RedisKeyLayoutTest {

    private static final FeatureType INT = FeatureType.Scalar.INT;
    private final RedisKeyLayout layout = new RedisKeyLayout("slate");

    @Test
    void keysFollowTheSpecifiedShape() {
        assertThat(layout.entityKey(new EntityRef("prod", "user", 42L))).isEqualTo("slate:prod:user:i42");
        assertThat(layout.entityKey(new EntityRef("prod", "user", -42L))).isEqualTo("slate:prod:user:i-42");
        assertThat(layout.entityKey(new EntityRef("prod", "user", "42"))).isEqualTo("slate:prod:user:s42");
        assertThat(layout.entityKey(new EntityRef("prod", "user", ""))).isEqualTo("slate:prod:user:s");
        assertThat(layout.entityKey(new EntityRef("p:q", "us{e}r", "a:b%c")))
                .isEqualTo("slate:p%3Aq:us%7Be%7Dr:sa%3Ab%25c");
        assertThat(layout.field(new FeatureSlot("txn_count[1d]", "ab12", INT))).isEqualTo("txn_count%5B1d%5D@ab12");
        assertThat(layout.field(new FeatureSlot("a@b", "c|d", INT))).isEqualTo("a%40b@c%7Cd");
    }

    @Test
    void everyReservedCharacterIsEscapedAndNothingElse() {
        assertThat(RedisKeyLayout.escape("%:{}*?[]\\@|")).isEqualTo("%25%3A%7B%7D%2A%3F%5B%5D%5C%40%7C");
        String plain = "user_email-domain.v2 日本 😀 /#$&";
        assertThat(RedisKeyLayout.escape(plain)).isSameAs(plain);
    }

    @Test
    void escapedPartsContainNoSeparatorBraceOrGlobCharacter() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String escaped = RedisKeyLayout.escape(randomText(random));
            assertThat(escaped.chars().noneMatch(c -> ":{}*?[]\\@|".indexOf(c) >= 0))
                    .as(escaped)
                    .isTrue();
        }
    }

    @Test
    void distinctEntityRefsNeverShareAKey() {
        Random random = new Random(42);
        Map<String, EntityRef> seen = new HashMap<>();
        List<EntityRef> refs = new ArrayList<>();
        for (String ns : List.of("", "a", "a:b", "a%3Ab", "{a}", "%")) {
            for (String entity : List.of("", "user", "user:1", "user%3A1", "i", "s")) {
                for (Object key : List.<Object>of(1L, "1", "i1", "s1", "", ":", "1:", "{1}", -1L, "-1")) {
                    refs.add(new EntityRef(ns, entity, key));
                }
            }
        }
        for (int i = 0; i < 20_000; i++) {
            Object key = random.nextBoolean() ? (Object) Long.valueOf(random.nextInt(50) - 25L) : randomText(random);
            refs.add(new EntityRef(randomText(random), randomText(random), key));
        }
        for (EntityRef ref : refs) {
            EntityRef before = seen.putIfAbsent(layout.entityKey(ref), ref);
            if (before != null) {
                assertThat(before)
                        .as("two refs share key %s", layout.entityKey(ref))
                        .isEqualTo(ref);
            }
        }
    }

    @Test
    void distinctSlotsNeverShareAField() {
        Random random = new Random(43);
        Map<String, List<String>> seen = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String feature = randomText(random);
            String version = randomText(random);
            List<String> before =
                    seen.putIfAbsent(layout.field(new FeatureSlot(feature, version, INT)), List.of(feature, version));
            if (before != null) {
                assertThat(before).isEqualTo(List.of(feature, version));
            }
        }
    }

    @Test
    void theNamespacePatternHasOneGlobAndCoversOnlyItsNamespace() {
        assertThat(layout.namespacePattern("prod")).isEqualTo("slate:prod:*");
        assertThat(layout.namespacePattern("a*b?[c]\\")).isEqualTo("slate:a%2Ab%3F%5Bc%5D%5C:*");
        String key = layout.entityKey(new EntityRef("a*b", "user", 1L));
        assertThat(key).startsWith("slate:a%2Ab:");
        assertThat(layout.entityKey(new EntityRef("prodx", "user", 1L))).doesNotStartWith("slate:prod:");
        assertThat(layout.entityKey(new EntityRef("prod:x", "user", 1L))).doesNotStartWith("slate:prod:");
    }

    @Test
    void valuesEncodeWithTimeMarkerAndText() {
        Instant t = Instant.parse("2026-01-01T00:00:00.000001Z");
        assertThat(layout.encodeValue(INT, 5L, t)).isEqualTo("1767225600000001|v5");
        assertThat(layout.encodeValue(INT, null, t)).isEqualTo("1767225600000001|n");
        assertThat(layout.encodeValue(FeatureType.Scalar.STRING, "", t)).isEqualTo("1767225600000001|v");
        assertThat(layout.encodeValue(FeatureType.Scalar.STRING, "n", Instant.parse("1969-12-31T23:59:59Z")))
                .isEqualTo("-1000000|vn");
    }

    @Test
    void valuesDecodeBackIncludingEdgeCases() {
        FeatureType string = FeatureType.Scalar.STRING;
        Instant t = Instant.parse("2026-01-01T00:00:00.000001Z");
        for (String s : List.of("", "n", "|", "v", "a|b", "日本")) {
            assertThat(decode(string, layout.encodeValue(string, s, t))).isEqualTo(new StoredValue(s, t));
        }
        assertThat(decode(string, "1767225600000001|n")).isEqualTo(new StoredValue(null, t));
        assertThat(decode(INT, "-1000000|v-3")).isEqualTo(new StoredValue(-3L, Instant.parse("1969-12-31T23:59:59Z")));
        assertThat(decode(INT, "-9223372036854775808|v1").observedAt())
                .isEqualTo(ValueCodec.fromEpochMicros(Long.MIN_VALUE));
    }

    @Test
    void malformedValuesAreRejected() {
        for (String bad : List.of(
                "",
                "|v1",
                "12",
                "12|",
                "12|x1",
                "12|n1",
                "1a|v1",
                "-|v1",
                "99999999999999999999|v1",
                "12|vnotanumber")) {
            assertThatThrownBy(() -> decode(INT, bad)).as(bad).isInstanceOf(RedisKeyLayout.CorruptValueException.class);
        }
    }

    @Test
    void prefixesThatCouldClashOrFormHashTagsAreRejected() {
        for (String bad : List.of("", "a:b", "{a}", "a*", "a b")) {
            assertThatThrownBy(() -> new RedisKeyLayout(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private StoredValue decode(FeatureType type, String text) {
        return layout.decodeValue(type, Buffer.buffer(text));
    }

    private static String randomText(Random random) {
        String alphabet = "ai s1:%3A{}*?[]\\@|-日";
        int n = random.nextInt(6);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}

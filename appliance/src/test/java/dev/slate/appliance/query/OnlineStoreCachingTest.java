package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The online store in the query path: computed values are written back to Redis, fresh ones are
 * served from it, {@code staleness} overrides and {@code now} decide what is fresh. Each test works
 * on a user row of its own (ids from 900,001), which it changes in PostgreSQL behind Slate's back to
 * tell a cached value from a computed one.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class OnlineStoreCachingTest {
    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("cache", FraudProjects::fraud);

    private static final Duration WRITE_BACK = Duration.ofSeconds(10);

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "slate.redis.url")
    String redisUrl;

    private RedisValues redis;
    private Map<String, String> versions;

    @BeforeEach
    void setUp() throws Exception {
        redis = new RedisValues(vertx, redisUrl);
        versions = new HashMap<>();
        List<Map<String, Object>> features = given().header(QueryEnvironment.HEADER, ENV.name())
                .get("/v1/features")
                .then()
                .statusCode(200)
                .extract()
                .path("features");
        features.forEach(f -> versions.put((String) f.get("name"), (String) f.get("version")));
    }

    @AfterEach
    void tearDown() throws Exception {
        redis.close();
        ENV.data().update("DELETE FROM {schema}.users WHERE id >= 900000");
    }

    private void insertUser(long id, String email, boolean verified, Instant createdAt) throws Exception {
        ENV.data().update("DELETE FROM {schema}.users WHERE id = ?", id);
        ENV.data()
                .update(
                        "INSERT INTO {schema}.users (id, email, name, age, signup_date, country, is_verified, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        id,
                        email,
                        "Test User",
                        30,
                        LocalDate.of(2024, 1, 1),
                        "US",
                        verified,
                        createdAt.atOffset(ZoneOffset.UTC));
    }

    private String field(String feature) {
        String version = versions.get(feature);
        assertThat(version).as("catalog version of %s", feature).isNotNull();
        return feature.substring(feature.indexOf('.') + 1) + "@" + version;
    }

    private static Map<String, Object> query(long id, List<String> outputs) {
        return Map.of("inputs", Map.of("user.id", id), "outputs", outputs, "include_meta", true);
    }

    @Test
    void firstQueryComputesAndWritesBackTheNextIsServedFromRedis() throws Exception {
        long id = 900_001;
        insertUser(id, "first@alpha.test", true, Instant.now().minus(400, ChronoUnit.DAYS));
        List<String> outputs = List.of("user.email", "user.email_domain", "user.credit_limit");

        Answer first = Answer.of(ENV.query(query(id, outputs)));
        assertThat(first.value("user.email").asText()).isEqualTo("first@alpha.test");
        assertThat(first.value("user.email_domain").asText()).isEqualTo("alpha.test");
        assertThat(first.value("user.credit_limit").asDouble()).isEqualTo(5000.0);
        for (String f : outputs) {
            assertThat(first.cacheHit(f)).as("%s on the first query", f).isFalse();
        }
        Instant observed = Instant.parse(first.field("user.email").get("ts").asText());

        // written back asynchronously, in the specified layout, under the feature's version from the catalog
        String key = RedisValues.key(ENV.name(), "user", id);
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, observed);
        assertThat(redis.await(key, field("user.email"), v -> true, WRITE_BACK))
                .isEqualTo(micros + "|vfirst@alpha.test");
        assertThat(redis.await(key, field("user.email_domain"), v -> true, WRITE_BACK))
                .isEqualTo(micros + "|valpha.test");
        assertThat(redis.await(key, field("user.credit_limit"), v -> true, WRITE_BACK))
                .endsWith("|v5000.0");
        // an output nobody asked for, computed on the way (same resolver), is cached too; a 0s feature never is
        assertThat(redis.await(key, field("user.country"), v -> true, WRITE_BACK))
                .endsWith("|vUS");
        assertThat(redis.get(key, field("user.is_verified"))).isEmpty();

        // PostgreSQL changes behind Slate's back: the second query is answered from Redis, so it still sees the old
        // email
        ENV.data().update("UPDATE {schema}.users SET email = 'second@beta.test' WHERE id = ?", id);
        Answer second = Answer.of(ENV.query(query(id, outputs)));
        for (String f : outputs) {
            assertThat(second.cacheHit(f)).as("%s on the second query", f).isTrue();
        }
        assertThat(second.value("user.email").asText()).isEqualTo("first@alpha.test");
        assertThat(second.value("user.email_domain").asText()).isEqualTo("alpha.test");
        assertThat(Instant.parse(second.field("user.email").get("ts").asText()))
                .isEqualTo(observed.truncatedTo(ChronoUnit.MICROS));
        String explain = Answer.of(
                        ENV.query(Map.of("inputs", Map.of("user.id", id), "outputs", outputs, "explain", true)))
                .meta()
                .get("explain_output")
                .asText();
        assertThat(explain).containsPattern("this request: (\\d+) of \\1 store reads fresh; ran no steps");
    }

    @Test
    void aZeroStalenessOverrideBypassesTheCacheAndRefreshesIt() throws Exception {
        long id = 900_002;
        insertUser(id, "old@alpha.test", true, Instant.now().minus(400, ChronoUnit.DAYS));
        String key = RedisValues.key(ENV.name(), "user", id);

        Answer.of(ENV.query(query(id, List.of("user.email"))));
        redis.await(key, field("user.email"), v -> v.endsWith("|vold@alpha.test"), WRITE_BACK);
        ENV.data().update("UPDATE {schema}.users SET email = 'new@beta.test' WHERE id = ?", id);

        Answer cached = Answer.of(ENV.query(query(id, List.of("user.email"))));
        assertThat(cached.cacheHit("user.email")).isTrue();
        assertThat(cached.value("user.email").asText()).isEqualTo("old@alpha.test");

        Map<String, Object> bypass = Map.of(
                "inputs",
                Map.of("user.id", id),
                "outputs",
                List.of("user.email", "user.email_domain"),
                "staleness",
                Map.of("user.email", "0s", "user.email_domain", "0s"),
                "include_meta",
                true);
        Answer fresh = Answer.of(ENV.query(bypass));
        assertThat(fresh.cacheHit("user.email")).isFalse();
        assertThat(fresh.value("user.email").asText()).isEqualTo("new@beta.test");
        assertThat(fresh.value("user.email_domain").asText()).isEqualTo("beta.test");

        // the computed value is still written back, so a normal query now sees it from the cache
        redis.await(key, field("user.email"), v -> v.endsWith("|vnew@beta.test"), WRITE_BACK);
        Answer after = Answer.of(ENV.query(query(id, List.of("user.email"))));
        assertThat(after.cacheHit("user.email")).isTrue();
        assertThat(after.value("user.email").asText()).isEqualTo("new@beta.test");
    }

    @Test
    void featuresWithZeroMaxStalenessAreNeverServedFromTheCache() throws Exception {
        long id = 900_003;
        insertUser(id, "v@alpha.test", false, Instant.now().minus(400, ChronoUnit.DAYS));
        Answer first = Answer.of(ENV.query(query(id, List.of("user.is_verified", "user.email"))));
        assertThat(first.value("user.is_verified").asBoolean()).isFalse();
        redis.await(RedisValues.key(ENV.name(), "user", id), field("user.email"), v -> true, WRITE_BACK);

        ENV.data().update("UPDATE {schema}.users SET is_verified = true WHERE id = ?", id);
        Answer second = Answer.of(ENV.query(query(id, List.of("user.is_verified"))));
        assertThat(second.cacheHit("user.is_verified")).isFalse();
        assertThat(second.value("user.is_verified").asBoolean()).isTrue();
    }

    @Test
    void aResolverRunForOneFeatureDoesNotMislabelItsOtherOutputs() throws Exception {
        long id = 900_004;
        insertUser(id, "one@alpha.test", true, Instant.now().minus(400, ChronoUnit.DAYS));
        String key = RedisValues.key(ENV.name(), "user", id);
        Answer.of(ENV.query(query(id, List.of("user.email"))));
        redis.await(key, field("user.email"), v -> v.endsWith("|vone@alpha.test"), WRITE_BACK);
        ENV.data().update("UPDATE {schema}.users SET email = 'two@beta.test' WHERE id = ?", id);

        // is_verified is never cached, so user_profile runs again: its fresh email replaces the cached one, and the
        // answer says so (computed, observed now), and the new value is written back
        Answer a = Answer.of(ENV.query(query(id, List.of("user.email", "user.is_verified"))));
        assertThat(a.cacheHit("user.is_verified")).isFalse();
        assertThat(a.value("user.is_verified").asBoolean()).isTrue();
        assertThat(a.value("user.email").asText()).isEqualTo("two@beta.test");
        assertThat(a.cacheHit("user.email"))
                .as("a value from the resolver is no cache hit")
                .isFalse();
        assertThat(a.field("user.email").get("ts").asText())
                .isEqualTo(a.field("user.is_verified").get("ts").asText());
        redis.await(key, field("user.email"), v -> v.endsWith("|vtwo@beta.test"), WRITE_BACK);
    }

    @Test
    void nowMovesTheQueryTime() throws Exception {
        long id = 900_005;
        Instant created = Instant.parse("2026-03-01T06:00:00Z");
        insertUser(id, "time@alpha.test", true, created);
        String key = RedisValues.key(ENV.name(), "user", id);

        // account_age_days and risk_score are computed at `now`
        Answer early = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", id),
                "outputs",
                List.of("user.account_age_days", "user.risk_score"),
                "now",
                "2026-03-11T07:00:00Z")));
        assertThat(early.value("user.account_age_days").asLong()).isEqualTo(10);
        assertThat(early.value("user.risk_score").asDouble())
                .isEqualTo(0.3); // verified, 30 years, limit 5000: only the young account
        assertThat(early.field("user.account_age_days").get("ts").asText()).isEqualTo("2026-03-11T07:00:00Z");
        Answer late = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", id),
                "outputs",
                List.of("user.account_age_days", "user.risk_score"),
                "now",
                "2026-09-01T06:00:00+00:00")));
        assertThat(late.value("user.account_age_days").asLong()).isEqualTo(184);
        assertThat(late.value("user.risk_score").asDouble()).isEqualTo(0.0);

        // cache a value at the real time, then ask as of before it was observed: not known then, so computed
        Answer.of(ENV.query(query(id, List.of("user.email", "user.credit_limit"))));
        redis.await(
                key,
                field("user.credit_limit"),
                v -> v.endsWith("|v5000.0")
                        && !v.startsWith(String.valueOf(
                                ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2026-09-01T06:00:00Z")))),
                WRITE_BACK);
        String cachedValue = redis.await(key, field("user.email"), v -> v.endsWith("|vtime@alpha.test"), WRITE_BACK);
        Instant observed = Instant.EPOCH.plus(
                Long.parseLong(cachedValue.substring(0, cachedValue.indexOf('|'))), ChronoUnit.MICROS);
        Answer now = Answer.of(ENV.query(query(id, List.of("user.email"))));
        assertThat(now.cacheHit("user.email")).isTrue();

        Answer before = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", id),
                "outputs",
                List.of("user.email"),
                "include_meta",
                true,
                "now",
                observed.minusSeconds(60).toString())));
        assertThat(before.cacheHit("user.email")).isFalse();
        assertThat(before.field("user.email").get("ts").asText())
                .isEqualTo(observed.minusSeconds(60).toString());

        // and 11 minutes after it was observed, the 10-minute bound of user features has passed
        Answer after = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", id),
                "outputs",
                List.of("user.email", "user.credit_limit"),
                "include_meta",
                true,
                "now",
                OffsetDateTime.ofInstant(observed.plus(Duration.ofMinutes(11)), ZoneOffset.ofHours(2))
                        .toString())));
        assertThat(after.cacheHit("user.email")).isFalse();
        // credit_limit has its own bound of one hour: still fresh 11 minutes later
        assertThat(after.cacheHit("user.credit_limit")).isTrue();
    }
}

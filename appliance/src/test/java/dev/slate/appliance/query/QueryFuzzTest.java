package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.model.error.ErrorCode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Randomized requests against {@code /v1/query/online}, {@code /v1/query/online/bulk} and
 * {@code /v1/deployments}: mutated valid bodies, garbage bytes, random feature names and values.
 * Whatever arrives, the answer is never a 5xx, every error is problem+json with a known code, and a
 * valid query sent between the random ones is still answered correctly. The seed is random per run
 * and printed on failure; rerun one with {@code -Dslate.fuzz.seed=N}.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class QueryFuzzTest {
    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("fuzz", FraudProjects::fraud);

    @RegisterExtension
    static final QueryEnvironment DEPLOY_ENV = QueryEnvironment.deploying("fuzz-deploy", FraudProjects::fraud);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CODES =
            Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());
    private static final int QUERY_CASES = 200;
    private static final int BULK_CASES = 120;
    private static final int DEPLOY_CASES = 100;
    private static final int CHECK_EVERY = 15;

    private static final List<String> FEATURES = List.of(
            "user.id",
            "user.email",
            "user.name",
            "user.age",
            "user.signup_date",
            "user.country",
            "user.credit_limit",
            "user.is_verified",
            "user.created_at",
            "user.email_domain",
            "user.name_upper",
            "user.is_adult",
            "user.account_age_days",
            "user.risk_score",
            "transaction.id",
            "transaction.user_id",
            "transaction.amount",
            "transaction.merchant",
            "transaction.ts",
            "transaction.is_large");
    private static final List<String> NASTY_STRINGS = List.of(
            "",
            " ",
            ".",
            "user.",
            ".email",
            "a.b.c",
            "user..email",
            "USER.EMAIL",
            "1; DROP TABLE users",
            "' OR '1'='1",
            "\"; --",
            "${secret:fraud_db_url}",
            "\u0000",
            "\\u0000",
            "null",
            "NaN",
            "-0",
            "1e309",
            "9223372036854775808",
            "-9223372036854775809",
            "😀.😀",
            "user.email\n",
            "%00",
            "{{7*7}}",
            "<script>",
            "../../etc/passwd",
            "2026-13-45T99:99:99Z",
            "P1D",
            "-1s",
            "1000000000000h",
            "0s",
            "1ms");

    @Test
    void randomRequestsNeverBreakTheServer() throws Exception {
        long seed = Long.getLong("slate.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        FraudData.User probe = ENV.data().user(6);
        int total = QUERY_CASES + BULK_CASES + DEPLOY_CASES;
        List<Integer> kinds = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            kinds.add(i < QUERY_CASES ? 0 : i < QUERY_CASES + BULK_CASES ? 1 : 2);
        }
        Collections.shuffle(kinds, random);
        int[] statuses = new int[6];
        long[] nanosByKind = new long[3];
        String current = "(none)";
        try {
            for (int i = 0; i < total; i++) {
                current = "generating case " + i;
                FuzzCase c = switch (kinds.get(i)) {
                    case 0 -> queryCase(random, false);
                    case 1 -> queryCase(random, true);
                    default -> deployCase(random);
                };
                current = "case " + i + ": " + c;
                long start = System.nanoTime();
                Response r = c.send();
                nanosByKind[kinds.get(i)] += System.nanoTime() - start;
                check(c, r);
                statuses[r.statusCode() / 100]++;
                if (i % CHECK_EVERY == 0) {
                    current = "valid query after case " + i;
                    Answer a = Answer.of(ENV.query(Map.of(
                            "inputs",
                            Map.of("user.id", 6),
                            "outputs",
                            List.of("user.email", "user.credit_limit", "user.risk_score"))));
                    assertThat(a.value("user.email").asText()).isEqualTo(probe.email());
                    assertThat(a.value("user.credit_limit").asDouble()).isEqualTo(probe.creditLimit());
                    assertThat(a.errors()).isEmpty();
                }
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(
                    "fuzz failed with seed " + seed + " (rerun: -Dslate.fuzz.seed=" + seed + ") at "
                            + abbreviate(current, 2000),
                    e);
        }
        // the generator must exercise both sides: answered requests and refused ones
        String spread = "2xx: " + statuses[2] + ", 4xx: " + statuses[4] + " (seed " + seed + ")";
        System.out.printf(
                "fuzz: %s; ms in query/bulk/deploy cases: %d/%d/%d%n",
                spread, nanosByKind[0] / 1_000_000, nanosByKind[1] / 1_000_000, nanosByKind[2] / 1_000_000);
        assertThat(statuses[2]).as(spread).isGreaterThan(60);
        assertThat(statuses[4]).as(spread).isGreaterThan(150);
    }

    private static void check(FuzzCase c, Response r) throws Exception {
        int status = r.statusCode();
        String body = r.asString();
        assertThat(status)
                .as("status for %s: %s", c.path, abbreviate(body, 500))
                .isBetween(200, 499);
        if (status >= 400) {
            assertThat(r.contentType()).as("content type of a %d", status).isEqualTo(QueryEnvironment.PROBLEM);
            JsonNode problem = JSON.readTree(body);
            assertThat(problem.path("code").asText())
                    .as("problem code in %s", abbreviate(body, 500))
                    .isIn(CODES);
            assertThat(problem.path("status").asInt()).isEqualTo(status);
            assertThat(problem.path("detail").asText())
                    .isNotBlank()
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        } else {
            assertThat(r.contentType()).startsWith("application/json");
            JsonNode answer = JSON.readTree(body);
            if (c.path.startsWith("/v1/query")) {
                assertThat(answer.has("data") && answer.has("errors") && answer.has("meta"))
                        .as("answer shape %s", abbreviate(body, 500))
                        .isTrue();
            } else {
                assertThat(answer.path("id").asText()).isNotBlank();
            }
        }
    }

    // ---- cases ------------------------------------------------------------------------------------

    private record FuzzCase(String path, String environment, String contentType, byte[] body, String description) {
        Response send() {
            RequestSpecification request =
                    given().header(QueryEnvironment.HEADER, environment).body(body);
            if (contentType != null) {
                request = request.contentType(contentType);
            }
            return request.post(path);
        }

        @Override
        public String toString() {
            return "POST " + path + " env=" + environment + " type=" + contentType + " (" + description + ") body="
                    + abbreviate(new String(body, StandardCharsets.UTF_8), 1000);
        }
    }

    private FuzzCase queryCase(Random random, boolean bulk) throws Exception {
        if (random.nextInt(3) == 0) {
            return cleanQueryCase(random, bulk);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        int rows = 1 + random.nextInt(5);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put(
                random.nextInt(4) == 0 ? "transaction.id" : "user.id",
                bulk ? randomIds(random, rows) : 1 + random.nextInt(1000));
        int extra = random.nextInt(3);
        for (int i = 0; i < extra; i++) {
            inputs.put(featureName(random), bulk ? randomList(random, rows) : value(random, 2));
        }
        body.put("inputs", inputs);
        List<String> outputs = new ArrayList<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            outputs.add(random.nextInt(3) == 0 ? featureName(random) : pick(random, FEATURES));
        }
        body.put("outputs", outputs);
        if (random.nextInt(3) == 0) {
            body.put(
                    "staleness",
                    Map.of(
                            random.nextBoolean() ? pick(random, FEATURES) : featureName(random),
                            random.nextBoolean()
                                    ? pick(random, List.of("0s", "1s", "10m", "1h", "100ms"))
                                    : pick(random, NASTY_STRINGS)));
        }
        if (random.nextInt(4) == 0) {
            body.put(
                    "now",
                    random.nextBoolean() ? "2026-0" + (1 + random.nextInt(9)) + "-01T00:00:00Z" : value(random, 1));
        }
        if (random.nextInt(4) == 0) {
            body.put("explain", random.nextInt(4) == 0 ? value(random, 1) : random.nextBoolean());
        }
        if (random.nextInt(4) == 0) {
            body.put("include_meta", random.nextInt(4) == 0 ? value(random, 1) : random.nextBoolean());
        }
        if (random.nextInt(8) == 0) {
            body.put(pick(random, List.of("query_name", "unknown_field", "input", "output")), value(random, 2));
        }
        String description = "structured";
        if (random.nextInt(5) == 0) {
            mutateStructure(random, body);
            description = "structure mutated";
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        if (random.nextInt(4) == 0) {
            bytes = mutateBytes(random, bytes);
            description += ", bytes mutated";
        }
        return new FuzzCase(
                bulk ? "/v1/query/online/bulk" : "/v1/query/online",
                environment(random, ENV),
                contentType(random),
                bytes,
                description);
    }

    /** A valid query with random ids, outputs and options, so that answers are exercised as much as refusals. */
    private FuzzCase cleanQueryCase(Random random, boolean bulk) throws Exception {
        List<String> userFeatures =
                FEATURES.stream().filter(f -> f.startsWith("user.")).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        List<Integer> ids = new ArrayList<>();
        for (int i = bulk ? 1 + random.nextInt(8) : 1; i > 0; i--) {
            ids.add(1 + random.nextInt(1200)); // also ids no user has
        }
        body.put("inputs", Map.of("user.id", bulk ? ids : ids.get(0)));
        List<String> outputs = new ArrayList<>();
        for (int i = 1 + random.nextInt(5); i > 0; i--) {
            outputs.add(pick(random, userFeatures));
        }
        body.put("outputs", outputs);
        if (random.nextBoolean()) {
            body.put(
                    "staleness",
                    Map.of(pick(random, userFeatures), pick(random, List.of("0s", "1s", "10m", "1h", "100ms"))));
        }
        if (random.nextInt(4) == 0) {
            body.put("now", "2026-0" + (1 + random.nextInt(9)) + "-0" + (1 + random.nextInt(9)) + "T12:00:00Z");
        }
        body.put("include_meta", random.nextBoolean());
        body.put("explain", random.nextInt(5) == 0);
        return new FuzzCase(
                bulk ? "/v1/query/online/bulk" : "/v1/query/online",
                ENV.name(),
                "application/json",
                JSON.writeValueAsBytes(body),
                "clean");
    }

    private FuzzCase deployCase(Random random) throws Exception {
        Map<String, String> files = new LinkedHashMap<>(FraudProjects.fraud());
        String description;
        switch (random.nextInt(5)) {
            case 0 -> {
                files.put("slate.yaml", mutateLines(random, files.get("slate.yaml")));
                description = "slate.yaml lines mutated";
            }
            case 1 -> {
                files.put("transactions.sql", mutateLines(random, files.get("transactions.sql")));
                description = "transactions.sql lines mutated";
            }
            case 2 -> {
                String name = pick(
                        random,
                        List.of(
                                "extra.yaml",
                                "../escape.yaml",
                                "/abs.yaml",
                                "dir/x.sql",
                                "x.txt",
                                "",
                                "a\u0000.yaml",
                                "slate.yml"));
                files.put(
                        name, random.nextBoolean() ? "" : pick(random, NASTY_STRINGS) + "\n" + randomText(random, 200));
                description = "extra file";
            }
            case 3 -> {
                String yaml = files.get("slate.yaml");
                int at = random.nextInt(yaml.length());
                files.put(
                        "slate.yaml",
                        yaml.substring(0, at) + randomText(random, 1 + random.nextInt(20)) + yaml.substring(at));
                description = "characters inserted";
            }
            default -> {
                files.remove(random.nextBoolean() ? "slate.yaml" : "transactions.sql");
                description = "file removed";
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", files);
        if (random.nextBoolean()) {
            body.put("activate", random.nextInt(3) == 0 ? value(random, 1) : false);
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        if (random.nextInt(5) == 0) {
            bytes = mutateBytes(random, bytes);
            description += ", bytes mutated";
        }
        String type = random.nextInt(10) == 0
                ? pick(random, List.of("application/zip", "application/gzip", "application/x-tar", "text/plain"))
                : "application/json";
        // never a valid name other than DEPLOY_ENV's: a valid project would create an environment nobody cleans up
        String environment =
                random.nextInt(25) == 0 ? pick(random, List.of("UPPER", "with space", "-lead")) : DEPLOY_ENV.name();
        return new FuzzCase("/v1/deployments", environment, type, bytes, description);
    }

    private static String environment(Random random, QueryEnvironment usual) {
        return switch (random.nextInt(25)) {
            case 0 -> "t-q-fuzz-nothing-deployed";
            case 1 -> pick(random, List.of("UPPER", "with space", "x".repeat(70), "-lead", "ünïcode", "a_b"));
            default -> usual.name();
        };
    }

    private static String contentType(Random random) {
        return switch (random.nextInt(20)) {
            case 0 -> "text/plain";
            case 1 -> null;
            case 2 -> "application/json; charset=ISO-8859-1";
            default -> "application/json";
        };
    }

    // ---- values -----------------------------------------------------------------------------------

    private static String featureName(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> nearMiss(random, pick(random, FEATURES));
            case 1 -> pick(random, NASTY_STRINGS);
            case 2 -> randomText(random, 1 + random.nextInt(30));
            case 3 -> "user." + randomText(random, 1 + random.nextInt(12));
            default -> pick(random, FEATURES);
        };
    }

    private static String nearMiss(Random random, String name) {
        StringBuilder sb = new StringBuilder(name);
        int at = random.nextInt(sb.length());
        switch (random.nextInt(3)) {
            case 0 -> sb.deleteCharAt(at);
            case 1 -> sb.insert(at, (char) ('a' + random.nextInt(26)));
            default -> sb.setCharAt(at, (char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    private static Object value(Random random, int depth) {
        int kinds = depth > 0 ? 11 : 9;
        return switch (random.nextInt(kinds)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextLong();
            case 3 -> random.nextInt(2000) - 500;
            case 4 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 10);
            case 5 -> pick(random, NASTY_STRINGS);
            case 6 -> randomText(random, random.nextInt(40));
            case 7 -> String.valueOf(random.nextInt(1000));
            case 8 -> new BigInteger(100, random);
            case 9 -> randomList(random, random.nextInt(4), depth - 1);
            default -> Collections.singletonMap(randomText(random, 5), value(random, depth - 1));
        };
    }

    private static List<Object> randomIds(Random random, int rows) {
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            ids.add(random.nextInt(10) == 0 ? value(random, 0) : 1 + random.nextInt(1000));
        }
        return ids;
    }

    private static List<Object> randomList(Random random, int rows) {
        return randomList(random, rows, 0);
    }

    private static List<Object> randomList(Random random, int rows, int depth) {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(value(random, Math.max(depth, 0)));
        }
        return list;
    }

    private static String randomText(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                sb.append((char) ('a' + random.nextInt(26)));
            } else if (kind < 8) {
                String punctuation = "._-:@ {}[]\"'\\$%\n\t;*";
                sb.append(punctuation.charAt(random.nextInt(punctuation.length())));
            } else {
                int cp = 0x80 + random.nextInt(0x2FF80);
                sb.appendCodePoint(
                        cp >= 0xD800 && cp <= 0xDFFF
                                ? cp + 0x800
                                : cp); // lone surrogates cannot be written as JSON text
            }
        }
        return sb.toString();
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    // ---- mutations --------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static void mutateStructure(Random random, Map<String, Object> body) {
        List<String> keys = new ArrayList<>(body.keySet());
        String key = pick(random, keys);
        switch (random.nextInt(4)) {
            case 0 -> body.remove(key);
            case 1 -> body.put(key, value(random, 2));
            case 2 -> {
                if (body.get("inputs") instanceof Map<?, ?> inputs) {
                    ((Map<String, Object>) inputs).replaceAll((k, v) -> value(random, 2));
                }
            }
            default -> body.put("outputs", randomList(random, random.nextInt(5), 1));
        }
    }

    private static byte[] mutateBytes(Random random, byte[] bytes) {
        byte[] out = bytes.clone();
        switch (random.nextInt(5)) {
            case 0 -> out = Arrays.copyOf(out, random.nextInt(out.length + 1)); // truncated
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            case 2 -> out[random.nextInt(out.length)] = (byte) "{}[],:\"\\0".charAt(random.nextInt(9));
            case 3 -> {
                int at = random.nextInt(out.length);
                byte[] garbage = new byte[1 + random.nextInt(16)];
                random.nextBytes(garbage);
                byte[] joined = new byte[out.length + garbage.length];
                System.arraycopy(out, 0, joined, 0, at);
                System.arraycopy(garbage, 0, joined, at, garbage.length);
                System.arraycopy(out, at, joined, at + garbage.length, out.length - at);
                out = joined;
            }
            default -> {
                out = new byte[random.nextInt(64)];
                random.nextBytes(out);
            }
        }
        return out;
    }

    private static String mutateLines(Random random, String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && !lines.isEmpty(); m++) {
            int at = random.nextInt(lines.size());
            switch (random.nextInt(6)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(random.nextInt(lines.size())));
                case 2 ->
                    lines.set(at, "  ".repeat(random.nextInt(4)) + lines.get(at).strip());
                case 3 ->
                    lines.set(
                            at,
                            lines.get(at)
                                    .replaceAll(
                                            "\\b(int|float|string|bool|date|datetime)\\b",
                                            pick(random, List.of("integer", "list<int>", "float", "x"))));
                case 4 ->
                    lines.set(
                            at,
                            lines.get(at)
                                    + pick(random, List.of(":", " :id", " #", " [", " {", "'", " ${secret:x}", " 5m")));
                default -> {
                    int other = random.nextInt(lines.size());
                    String tmp = lines.get(at);
                    lines.set(at, lines.get(other));
                    lines.set(other, tmp);
                }
            }
        }
        return String.join("\n", lines);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + " chars)";
    }
}

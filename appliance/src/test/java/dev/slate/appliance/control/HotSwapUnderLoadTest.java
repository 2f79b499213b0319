package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Serving swaps graphs atomically: while clients query continuously, deployments are activated and
 * rolled back; every answer must be a complete 200 from exactly one of the deployed graphs (never a
 * failure, never a field error, never a mix of two graphs in one answer).
 */
@QuarkusTest
class HotSwapUnderLoadTest {
    private static final String ENV = "X-Slate-Environment";
    private static final int CLIENTS = 4;
    private static final int SWAPS = 12;

    @RegisterExtension
    final EnvironmentCleaner cleaner = new EnvironmentCleaner();

    @Test
    void noRequestFailsWhileDeploymentsSwap() throws Exception {
        String env = cleaner.track(TestProjects.environment("swap"));
        // two graphs whose answers differ: scaled = id * 3 and id * 5; 'tag' tells which graph answered
        String first = deploy(env, project(3), true);
        String second = deploy(env, project(5), false);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        Set<Integer> factorsSeen = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int id = 10 + c;
            loops.add(clients.submit(() -> {
                while (running.get()) {
                    Response r = given().header(ENV, env)
                            .contentType(ContentType.JSON)
                            .body(Map.of(
                                    "inputs", Map.of("user.id", id), "outputs", List.of("user.scaled", "user.factor")))
                            .post("/v1/query/online");
                    if (r.statusCode() != 200) {
                        failures.add(r.statusCode() + " " + r.asString());
                        continue;
                    }
                    JsonPath json = r.jsonPath();
                    if (!json.getList("errors").isEmpty()) {
                        failures.add("field errors: " + r.asString());
                        continue;
                    }
                    int scaled = json.getInt("data[0].value");
                    int factor = json.getInt("data[1].value");
                    if (scaled != id * factor || (factor != 3 && factor != 5)) {
                        failures.add("answer mixes graphs or is wrong: " + r.asString());
                    }
                    factorsSeen.add(factor);
                    answered.incrementAndGet();
                }
            }));
        }
        try {
            for (int i = 0; i < SWAPS; i++) {
                activate(env, i % 2 == 0 ? second : first);
                Thread.sleep(40);
            }
        } finally {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
            clients.shutdownNow();
        }

        assertThat(failures).isEmpty();
        assertThat(answered.get()).isGreaterThan(SWAPS);
        assertThat(factorsSeen).containsExactlyInAnyOrder(3, 5);
    }

    private static Map<String, String> project(int factor) {
        return Map.of("slate.yaml", String.format(Locale.ROOT, """
                project: swap
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      factor: {type: int, expression: "%d"}
                      scaled: {type: int, expression: "id * factor"}
                """, factor));
    }

    private static String deploy(String env, Map<String, String> files, boolean activate) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", files, "activate", activate))
                .post("/v1/deployments")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static void activate(String env, String id) {
        given().header(ENV, env)
                .post("/v1/deployments/" + id + "/activate")
                .then()
                .statusCode(200);
    }
}

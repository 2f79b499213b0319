package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.control.deploy.ActiveDeploymentPublisher;
import dev.slate.serving.model.deploy.ActiveDeployment;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@QuarkusTest
class ConcurrentDeploymentTest {
    private static final int PARALLEL = 8;

    @Inject
    ActiveDeploymentPublisher publisher;

    @RegisterExtension
    final EnvironmentCleaner cleaner = new EnvironmentCleaner();

    @Test
    void concurrentDeploysGetDistinctVersionsAndServingEndsOnTheActiveOne() throws Exception {
        String env = cleaner.track(TestProjects.environment("parallel"));

        List<Response> responses = inParallel(i -> deploy(env, TestProjects.valid("shop", i + 1)));

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
        assertThat(responses)
                .extracting(r -> r.jsonPath().getInt("version"))
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        JsonPath list = given().header("X-Slate-Environment", env)
                .get("/v1/deployments")
                .jsonPath();
        assertThat(list.getList("deployments.version", Integer.class)).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(list.getList("deployments.status", String.class))
                .filteredOn("ACTIVE"::equals)
                .hasSize(1);
        // whatever order the activations committed in, serving ends on the one the database calls active
        assertThat(publisher.current(env))
                .map(ActiveDeployment::deploymentId)
                .contains(list.getString("active_deployment_id"));
    }

    @Test
    void concurrentDeploysOfTheSameContentStoreItOnce() throws Exception {
        String env = cleaner.track(TestProjects.environment("same-parallel"));

        List<Response> responses = inParallel(i -> deploy(env, TestProjects.valid("shop", 42)));

        assertThat(responses)
                .extracting(Response::statusCode)
                .containsOnly(201, 200)
                .containsOnlyOnce(201);
        assertThat(responses)
                .extracting(r -> r.jsonPath().getString("id"))
                .containsOnly(responses.getFirst().jsonPath().getString("id"));
        assertThat(given().header("X-Slate-Environment", env)
                        .get("/v1/deployments")
                        .jsonPath()
                        .getList("deployments"))
                .hasSize(1);
    }

    private static Response deploy(String env, Map<String, String> files) {
        return given().header("X-Slate-Environment", env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", files))
                .post("/v1/deployments");
    }

    private static List<Response> inParallel(IntFunction<Response> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                int n = i;
                Callable<Response> task = () -> {
                    start.await();
                    return call.apply(n);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> f : futures) {
                responses.add(f.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@QuarkusTest
class DeploymentArchiveTest {
    private static final String ENV = "X-Slate-Environment";
    private static final String PROBLEM = "application/problem+json";

    @RegisterExtension
    final EnvironmentCleaner cleaner = new EnvironmentCleaner();

    @Test
    void deploysATarGzArchive() {
        String env = cleaner.track(TestProjects.environment("targz"));
        Map<String, byte[]> files = new LinkedHashMap<>();
        TestProjects.twoFiles("archived")
                .forEach((name, text) -> files.put("archived/" + name, TestArchives.utf8(text)));
        files.put("archived/README.md", TestArchives.utf8("# not part of the project"));

        String id = given().header(ENV, env)
                .contentType("application/gzip")
                .body(TestArchives.tarGz(files))
                .post("/v1/deployments")
                .then()
                .statusCode(201)
                .body("project", equalTo("archived"))
                .body("status", equalTo("ACTIVE"))
                .body("file_names", equalTo(List.of("model/entities.yaml", "slate.yaml")))
                .extract()
                .path("id");

        given().header(ENV, env)
                .get("/v1/deployments/" + id)
                .then()
                .statusCode(200)
                .body(
                        "files.'model/entities.yaml'",
                        equalTo(TestProjects.twoFiles("archived").get("model/entities.yaml")));
        given().header(ENV, env)
                .get("/v1/deployments")
                .then()
                .statusCode(200)
                .body("deployments[0].file_names", equalTo(List.of("model/entities.yaml", "slate.yaml")));
    }

    @Test
    void deploysAZipArchiveWithoutActivating() {
        String env = cleaner.track(TestProjects.environment("zip"));
        Map<String, byte[]> files = new LinkedHashMap<>();
        TestProjects.twoFiles("zipped").forEach((name, text) -> files.put(name, TestArchives.utf8(text)));

        given().header(ENV, env)
                .contentType("application/zip")
                .body(TestArchives.zip(files))
                .queryParam("activate", "false")
                .post("/v1/deployments")
                .then()
                .statusCode(201)
                .body("project", equalTo("zipped"))
                .body("status", equalTo("INACTIVE"));

        // the same content as tar.gz is recognised as unchanged
        given().header(ENV, env)
                .contentType("application/gzip")
                .body(TestArchives.tarGz(files))
                .post("/v1/deployments")
                .then()
                .statusCode(200)
                .body("unchanged", equalTo(true))
                .body("status", equalTo("ACTIVE"));
    }

    @Test
    void rejectsPathTraversal() {
        String env = cleaner.track(TestProjects.environment("traversal"));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("slate.yaml", TestArchives.utf8("project: evil\n"));
        files.put("../../etc/cron.d/evil.yaml", TestArchives.utf8("x: 1\n"));

        given().header(ENV, env)
                .contentType("application/gzip")
                .body(TestArchives.tarGz(files))
                .post("/v1/deployments")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        given().header(ENV, env)
                .contentType("application/zip")
                .body(TestArchives.zip(files))
                .post("/v1/deployments")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        given().header(ENV, env).get("/v1/deployments").then().body("deployments", hasSize(0));
    }

    @Test
    void rejectsOversizedArchives() {
        String env = cleaner.track(TestProjects.environment("oversized"));
        byte[] big = new byte[1024 * 1024 + 1];
        Arrays.fill(big, (byte) '#');
        Map<String, byte[]> oneBigFile = Map.of("slate.yaml", TestArchives.utf8("project: big\n"), "big.yaml", big);
        Map<String, byte[]> tooMuchInAll = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            tooMuchInAll.put("f" + i + ".yaml", Arrays.copyOf(big, 1024 * 1024));
        }

        given().header(ENV, env)
                .contentType("application/gzip")
                .body(TestArchives.tarGz(oneBigFile))
                .post("/v1/deployments")
                .then()
                .statusCode(413)
                .contentType(PROBLEM)
                .body("code", equalTo("PAYLOAD_TOO_LARGE"));
        given().header(ENV, env)
                .contentType("application/zip")
                .body(TestArchives.zip(tooMuchInAll))
                .post("/v1/deployments")
                .then()
                .statusCode(413)
                .contentType(PROBLEM)
                .body("code", equalTo("PAYLOAD_TOO_LARGE"));
    }

    @Test
    void rejectsABodyThatIsNotAnArchive() {
        String env = cleaner.track(TestProjects.environment("garbage"));

        given().header(ENV, env)
                .contentType("application/gzip")
                .body(TestArchives.utf8("project: x"))
                .post("/v1/deployments")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        given().header(ENV, env)
                .contentType("application/zip")
                .body(TestArchives.utf8("project: x"))
                .post("/v1/deployments")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        given().header(ENV, env)
                .contentType("application/x-tar")
                .body(TestArchives.utf8("project: x"))
                .post("/v1/deployments")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
    }
}

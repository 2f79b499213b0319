package dev.slate.installer.up;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks {@code /q/health/ready} whether the appliance is ready ({@code 200} with {@code status: UP}). */
final class ReadinessProbe {
    private final URI readyUrl;
    private final HttpClient http;
    private final ObjectMapper mapper;

    ReadinessProbe(URI baseUrl, ObjectMapper mapper) {
        this.readyUrl =
                URI.create(DemoQuery.stripSlash(requireNonNull(baseUrl, "baseUrl is null")) + "/q/health/ready");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    boolean isReady() throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(readyUrl)
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode body = mapper.readTree(response.body());
            return "UP".equals(body.path("status").asText());
        } catch (IOException e) {
            return false;
        }
    }
}

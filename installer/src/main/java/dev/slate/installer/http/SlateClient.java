package dev.slate.installer.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.installer.CliException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** A small client of the Slate REST API (docs/specs/rest-contract.md) over {@code java.net.http}. */
public final class SlateClient {
    public static final String ENVIRONMENT_HEADER = "X-Slate-Environment";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    private final URI baseUrl;
    private final Optional<String> environment;
    private final ObjectMapper mapper;
    private final HttpClient http;
    private final Supplier<Optional<String>> accessToken;

    public SlateClient(URI baseUrl, Optional<String> environment, ObjectMapper mapper) {
        this(baseUrl, environment, mapper, Optional::empty);
    }

    /** @param accessToken the bearer token to send with each request, if any (asked for per request: it may be refreshed) */
    public SlateClient(
            URI baseUrl, Optional<String> environment, ObjectMapper mapper, Supplier<Optional<String>> accessToken) {
        this.baseUrl = requireNonNull(baseUrl, "baseUrl is null");
        this.environment = requireNonNull(environment, "environment is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.accessToken = requireNonNull(accessToken, "accessToken is null");
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public ApiResponse get(String path) {
        return send(request(path).GET().build());
    }

    /** A GET that accepts {@code mediaType} (and problem+json for errors), e.g. {@code application/x-ndjson}. */
    public ApiResponse get(String path, String mediaType) {
        return send(request(path)
                .setHeader("Accept", mediaType + ", application/problem+json")
                .GET()
                .build());
    }

    public ApiResponse post(String path, JsonNode body) {
        return sendJson("POST", path, body);
    }

    /** Posts a file as the raw body with {@code contentType} (e.g. a Parquet spine); the file is streamed, not read into memory. */
    public ApiResponse postFile(String path, String contentType, Path file) {
        try {
            return send(request(path)
                    .header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofFile(file))
                    .build());
        } catch (FileNotFoundException e) {
            throw new CliException("cannot read " + file + ": no such file");
        }
    }

    public ApiResponse patch(String path, JsonNode body) {
        return sendJson("PATCH", path, body);
    }

    public ApiResponse put(String path, JsonNode body) {
        return sendJson("PUT", path, body);
    }

    private ApiResponse sendJson(String method, String path, JsonNode body) {
        String json;
        try {
            json = mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new CliException("cannot encode the request: " + e.getOriginalMessage());
        }
        return send(request(path)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build());
    }

    public ApiResponse delete(String path) {
        return send(request(path).DELETE().build());
    }

    /**
     * Downloads a 2xx answer's body into {@code target} (written next to it under another name and moved
     * into place when complete); any other answer is returned as read, and {@code target} is left alone.
     */
    public ApiResponse download(String path, Path target) {
        Path absolute = target.toAbsolutePath();
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        HttpRequest request = request(path).header("Accept", "*/*").GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() < 200 || response.statusCode() >= 300) {
                    String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                    return new ApiResponse(response.statusCode(), text, parse(text));
                }
                Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new ApiResponse(response.statusCode(), "", Optional.empty());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new SlateUnreachableException(baseUrl);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // best effort
            }
            if (hasCause(e, ConnectException.class)) {
                throw new SlateUnreachableException(baseUrl);
            }
            throw new CliException("download from " + request.uri() + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
        environment.ifPresent(env -> builder.header(ENVIRONMENT_HEADER, env));
        accessToken.get().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        return builder;
    }

    private URI resolve(String path) {
        String base = baseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }

    private ApiResponse send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new SlateUnreachableException(baseUrl);
        } catch (IOException e) {
            if (hasCause(e, ConnectException.class)) {
                throw new SlateUnreachableException(baseUrl);
            }
            throw new CliException("request to " + request.uri() + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        return new ApiResponse(
                response.statusCode(),
                response.body(),
                parse(response.body()),
                response.headers().map());
    }

    private Optional<JsonNode> parse(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readTree(body));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}

package dev.slate.installer.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The part of the OCI distribution API (registry HTTP API v2) the installer needs, over {@code java.net.http}:
 * the {@code /v2/} check, blob existence (HEAD), monolithic blob upload (POST, then PUT with the digest), manifest
 * PUT/GET/HEAD. Authentication follows the registry's {@code WWW-Authenticate} challenge: {@code Basic} with the
 * credentials, or {@code Bearer} with a token fetched from the challenge's realm with the credentials (the token
 * flow of Docker's registry and most others). Credentials are only ever sent in headers and never printed.
 */
public final class RegistryClient {
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("([a-zA-Z_]+)=\"([^\"]*)\"");
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final RegistryAddress address;
    private final Optional<RegistryCredentials> credentials;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    /** Authorization header per token scope ("" for basic or a registry-wide token) */
    private final Map<String, String> authorization = new HashMap<>();

    public RegistryClient(RegistryAddress address, Optional<RegistryCredentials> credentials, Optional<Path> caFile) {
        this.address = requireNonNull(address, "address is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL);
        caFile.ifPresent(ca -> builder.sslContext(trusting(ca)));
        this.http = builder.build();
    }

    public RegistryAddress address() {
        return address;
    }

    /** What {@code GET /v2/} answered. */
    public record Ping(int status, String detail) {}

    /**
     * {@code GET /v2/}, authenticating when challenged: 200 means reachable, TLS trusted and (where the registry
     * wants them) credentials accepted.
     *
     * @throws RegistryException when the registry cannot be reached or its TLS certificate is not trusted
     */
    public Ping ping() {
        HttpResponse<String> response = send("", () -> request("/v2/").GET(), BodyHandlers.ofString());
        return new Ping(response.statusCode(), summary(response.body()));
    }

    /**
     * Whether the credentials may push to the repository: starts a blob upload and cancels it (nothing is stored).
     *
     * @return empty when allowed, else the registry's answer
     */
    public Optional<String> pushRefusal(String repository) {
        HttpResponse<String> started;
        try {
            started = send(
                    scope(repository, "pull,push"),
                    () -> request("/v2/" + repository + "/blobs/uploads/").POST(BodyPublishers.noBody()),
                    BodyHandlers.ofString());
        } catch (RegistryException e) {
            return Optional.of(e.getMessage());
        }
        if (started.statusCode() != 202) {
            return Optional.of("starting an upload to " + repository + " answered HTTP " + started.statusCode() + " "
                    + summary(started.body()));
        }
        started.headers()
                .firstValue("Location")
                .ifPresent(location -> send(
                        scope(repository, "pull,push"),
                        () -> HttpRequest.newBuilder(started.uri().resolve(location))
                                .timeout(TIMEOUT)
                                .DELETE(),
                        BodyHandlers.discarding()));
        return Optional.empty();
    }

    /** Whether the repository already holds the blob. */
    public boolean hasBlob(String repository, String digest) {
        HttpResponse<Void> response = send(
                scope(repository, "pull"),
                () -> request("/v2/" + repository + "/blobs/" + digest).method("HEAD", BodyPublishers.noBody()),
                BodyHandlers.discarding());
        return switch (response.statusCode()) {
            case 200 -> true;
            case 404 -> false;
            default -> throw failure("HEAD blob " + digest + " in " + repository, response.statusCode(), "");
        };
    }

    /** Uploads a blob in one request (start an upload session, then PUT the whole content with its digest). */
    public void pushBlob(String repository, String digest, Path content) {
        String scope = scope(repository, "pull,push");
        HttpResponse<String> started = send(
                scope,
                () -> request("/v2/" + repository + "/blobs/uploads/").POST(BodyPublishers.noBody()),
                BodyHandlers.ofString());
        if (started.statusCode() == 201) {
            return; // the registry mounted it already
        }
        if (started.statusCode() != 202) {
            throw failure("start blob upload to " + repository, started.statusCode(), summary(started.body()));
        }
        String location = started.headers()
                .firstValue("Location")
                .orElseThrow(() -> new RegistryException("the registry started an upload without a Location"));
        URI target = started.uri().resolve(location);
        String separator = target.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(target + separator + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        HttpResponse<String> finished = send(
                scope,
                () -> HttpRequest.newBuilder(put)
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(fileBody(content)),
                BodyHandlers.ofString());
        if (finished.statusCode() != 201) {
            throw failure(
                    "upload blob " + digest + " to " + repository, finished.statusCode(), summary(finished.body()));
        }
    }

    /** Whether the repository holds a manifest under this reference (a digest or a tag), and its digest. */
    public Optional<String> manifestDigest(String repository, String reference, String accept) {
        HttpResponse<Void> response = send(
                scope(repository, "pull"),
                () -> request("/v2/" + repository + "/manifests/" + reference)
                        .header("Accept", accept)
                        .method("HEAD", BodyPublishers.noBody()),
                BodyHandlers.discarding());
        return switch (response.statusCode()) {
            case 200 ->
                Optional.of(
                        response.headers().firstValue("Docker-Content-Digest").orElse(""));
            case 404 -> Optional.empty();
            default -> throw failure("HEAD manifest " + reference + " in " + repository, response.statusCode(), "");
        };
    }

    /** PUTs a manifest under a tag or its digest; returns the digest the registry computed. */
    public String pushManifest(String repository, String reference, String mediaType, byte[] manifest) {
        HttpResponse<String> response = send(
                scope(repository, "pull,push"),
                () -> request("/v2/" + repository + "/manifests/" + reference)
                        .header("Content-Type", mediaType)
                        .PUT(BodyPublishers.ofByteArray(manifest)),
                BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw failure(
                    "PUT manifest " + reference + " to " + repository, response.statusCode(), summary(response.body()));
        }
        return response.headers().firstValue("Docker-Content-Digest").orElse("");
    }

    /** The manifest's bytes as the registry serves them under a tag or digest. */
    public byte[] manifest(String repository, String reference, String accept) {
        HttpResponse<byte[]> response = send(
                scope(repository, "pull"),
                () -> request("/v2/" + repository + "/manifests/" + reference)
                        .header("Accept", accept)
                        .GET(),
                BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw failure("GET manifest " + reference + " from " + repository, response.statusCode(), "");
        }
        return response.body();
    }

    private static String scope(String repository, String actions) {
        return "repository:" + repository + ":" + actions;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(address.baseUri().resolve(path)).timeout(TIMEOUT);
    }

    /**
     * Sends a request with the authorization known for its scope; on a 401, answers the challenge once and
     * sends it again (the request is rebuilt, so a file body is read again from its start).
     */
    private <T> HttpResponse<T> send(
            String scope, Supplier<HttpRequest.Builder> request, HttpResponse.BodyHandler<T> handler) {
        String header = authorization.getOrDefault(scope, authorization.get(""));
        HttpResponse<T> response = sendOnce(request.get(), header, handler);
        if (response.statusCode() != 401) {
            return response;
        }
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        String answer = answer(challenge, scope);
        response = sendOnce(request.get(), answer, handler);
        if (response.statusCode() == 401) {
            throw new RegistryException("the registry " + address.host() + " refused the credentials"
                    + credentials
                            .map(c -> " of user " + c.username())
                            .orElse(" (none given: --registry-username and" + " --registry-password-file)"));
        }
        authorization.put(challenge.regionMatches(true, 0, "Basic", 0, 5) ? "" : scope, answer);
        return response;
    }

    private <T> HttpResponse<T> sendOnce(
            HttpRequest.Builder request, String authorizationHeader, HttpResponse.BodyHandler<T> handler) {
        if (authorizationHeader != null) {
            request.header("Authorization", authorizationHeader);
        }
        HttpRequest built = request.build();
        try {
            return http.send(built, handler);
        } catch (SSLHandshakeException e) {
            throw new RegistryException(
                    "TLS with " + address.host() + " failed: " + e.getMessage()
                            + " (a private CA: --registry-ca FILE; a plain-HTTP test registry: --insecure-registry)",
                    e);
        } catch (IOException e) {
            throw new RegistryException(
                    built.method() + " " + built.uri().getPath() + " on " + address.host() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while talking to " + address.host(), e);
        }
    }

    /** The Authorization header that answers a challenge. */
    private String answer(String challenge, String scope) {
        RegistryCredentials given = credentials.orElseThrow(() -> new RegistryException("the registry " + address.host()
                + " requires credentials: --registry-username and --registry-password-file"));
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return given.basicAuthorization();
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            throw new RegistryException(
                    "the registry " + address.host() + " asks for an unknown authentication: " + challenge);
        }
        Map<String, String> params = new HashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryException("the registry's Bearer challenge has no realm: " + challenge);
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (params.containsKey("service")) {
            url.append("service=")
                    .append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8))
                    .append('&');
        }
        String wanted = params.getOrDefault("scope", scope);
        if (!wanted.isEmpty()) {
            url.append("scope=").append(URLEncoder.encode(wanted, StandardCharsets.UTF_8));
        }
        HttpResponse<String> token;
        try {
            token = http.send(
                    HttpRequest.newBuilder(URI.create(url.toString()))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", given.basicAuthorization())
                            .GET()
                            .build(),
                    BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryException("cannot reach the registry's token service " + realm + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while fetching a registry token", e);
        }
        if (token.statusCode() != 200) {
            throw new RegistryException("the registry's token service " + realm + " refused user " + given.username()
                    + " (HTTP " + token.statusCode() + ")");
        }
        try {
            JsonNode body = json.readTree(token.body());
            String value = body.path("token").asText(body.path("access_token").asText(""));
            if (value.isEmpty()) {
                throw new RegistryException("the registry's token service " + realm + " answered no token");
            }
            return "Bearer " + value;
        } catch (IOException e) {
            throw new RegistryException("the registry's token service " + realm + " answered no JSON", e);
        }
    }

    private static BodyPublisher fileBody(Path content) {
        try {
            return BodyPublishers.ofFile(content);
        } catch (FileNotFoundException e) {
            throw new RegistryException("no blob file " + content, e);
        }
    }

    private static RegistryException failure(String what, int status, String detail) {
        return new RegistryException(what + ": HTTP " + status + (detail.isEmpty() ? "" : " " + detail));
    }

    private static String summary(String body) {
        if (body == null) {
            return "";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }

    /** An SSL context trusting exactly the certificates of the PEM file (a private CA). */
    static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + caFile);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("registry-ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use " + caFile + " as the registry's CA: " + e.getMessage(), e);
        }
    }
}

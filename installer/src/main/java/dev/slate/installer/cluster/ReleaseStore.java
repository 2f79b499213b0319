package dev.slate.installer.cluster;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The revisions of a release, one Secret each in the release's namespace, named
 * {@code slate-release.NAME.vREVISION} (as Helm keeps {@code sh.helm.release.v1.NAME.vN}): type
 * {@value #TYPE}, labels for the release, revision and status, and the gzipped JSON of the {@link Release} under
 * key {@value #KEY}. A Secret, because the rendered manifest holds the chart's generated credentials.
 */
public final class ReleaseStore {
    public static final String TYPE = "slate.dev/release.v1";
    public static final String KEY = "release";
    public static final String LABEL_OWNER = "owner";
    public static final String LABEL_NAME = "slate.dev/release";
    public static final String LABEL_REVISION = "slate.dev/revision";
    public static final String LABEL_STATUS = "slate.dev/status";
    static final String OWNER = "slate-installer";

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ReleaseStore(KubernetesClient client, String namespace, String name) {
        this.client = requireNonNull(client, "client is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.name = requireNonNull(name, "name is null");
    }

    public static String secretName(String release, int revision) {
        return "slate-release." + release + ".v" + revision;
    }

    /** Every revision, oldest first. */
    public List<Release> history() {
        return client
                .secrets()
                .inNamespace(namespace)
                .withLabel(LABEL_OWNER, OWNER)
                .withLabel(LABEL_NAME, name)
                .list()
                .getItems()
                .stream()
                .filter(s -> TYPE.equals(s.getType()))
                .map(this::decode)
                .sorted(Comparator.comparingInt(Release::revision))
                .toList();
    }

    public Optional<Release> latest() {
        List<Release> all = history();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /** The revision running now: the newest DEPLOYED one. */
    public Optional<Release> deployed() {
        return history().stream()
                .filter(r -> r.status() == Release.Status.DEPLOYED)
                .reduce((a, b) -> b);
    }

    public Optional<Release> revision(int revision) {
        return history().stream().filter(r -> r.revision() == revision).findFirst();
    }

    /** Creates or replaces the Secret of this revision. */
    public Release save(Release release) {
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withName(secretName(release.name(), release.revision()))
                .withNamespace(namespace)
                .withLabels(Map.of(
                        LABEL_OWNER, OWNER,
                        LABEL_NAME, release.name(),
                        LABEL_REVISION, Integer.toString(release.revision()),
                        LABEL_STATUS, release.status().name().toLowerCase(Locale.ROOT)))
                .endMetadata()
                .withType(TYPE)
                .withData(Map.of(KEY, Base64.getEncoder().encodeToString(encode(release))))
                .build();
        client.secrets().inNamespace(namespace).resource(secret).createOr(existing -> existing.update());
        return release;
    }

    /** Deletes every revision's Secret. */
    public void deleteAll() {
        for (Release release : history()) {
            client.secrets()
                    .inNamespace(namespace)
                    .withName(secretName(release.name(), release.revision()))
                    .delete();
        }
    }

    private byte[] encode(Release release) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            json.writeValue(gzip, release);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Release decode(Secret secret) {
        String data = secret.getData() == null ? null : secret.getData().get(KEY);
        if (data == null) {
            throw new IllegalStateException(
                    "release Secret " + secret.getMetadata().getName() + " has no " + KEY);
        }
        try (GZIPInputStream in =
                new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(data)))) {
            return json.readValue(in, Release.class);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "release Secret " + secret.getMetadata().getName() + " cannot be read: " + e.getMessage(), e);
        }
    }
}

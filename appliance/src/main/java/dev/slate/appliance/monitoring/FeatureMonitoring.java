package dev.slate.appliance.monitoring;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.slate.serving.engine.monitoring.Drift;
import dev.slate.serving.engine.monitoring.FeatureStatistics;
import dev.slate.serving.engine.monitoring.FeatureValueStats;
import dev.slate.serving.engine.monitoring.QuantileGrid;
import dev.slate.serving.engine.monitoring.ReferenceSummary;
import dev.slate.serving.engine.monitoring.StatsWindow;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.offline.OfflineJob;
import dev.slate.serving.offline.OfflineQueryPlan;
import dev.slate.serving.offline.OfflineQueryService;
import dev.slate.storage.spi.FeatureType;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Feature-value monitoring of this replica (docs/operations.md, "Feature-value monitoring" and "Drift"): statistics per
 * feature and window, named reference datasets made from offline query results, and drift against them.
 */
@Singleton
public class FeatureMonitoring {

    static final Pattern REFERENCE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final JsonFactory JSON = new JsonFactory();

    private final FeatureStatistics statistics;
    private final ReferenceStore references;
    private final ServingState serving;
    private final Instance<OfflineQueryService> offline;
    private final MonitoringConfig config;

    FeatureMonitoring(
            FeatureStatistics statistics,
            ReferenceStore references,
            ServingState serving,
            Instance<OfflineQueryService> offline,
            MonitoringConfig config) {
        this.statistics = statistics;
        this.references = references;
        this.serving = serving;
        this.offline = offline;
        this.config = config;
    }

    public FeatureStatistics statistics() {
        return statistics;
    }

    public ReferenceStore references() {
        return references;
    }

    /** The statistics of a feature of the environment's active deployment (zero counts when none was seen yet). */
    public FeatureValueStats stats(String environment, String feature, StatsWindow window) {
        requireFeature(environment, feature);
        return statistics
                .stats(environment, feature, window)
                .orElseGet(() -> new FeatureValueStats(
                        environment,
                        feature,
                        window,
                        Instant.now().minus(window.length()),
                        Instant.now(),
                        0,
                        0,
                        Optional.empty(),
                        0,
                        List.of(),
                        new FeatureValueStats.Freshness(0, OptionalDouble.empty(), OptionalDouble.empty())));
    }

    /** Whether the environment's active deployment has the feature; the problem when not. */
    public Optional<String> unknownFeature(String environment, String feature) {
        Optional<ServingSnapshot> snapshot = serving.snapshot(environment);
        if (snapshot.isEmpty()) {
            return Optional.of("environment '" + environment + "' has no active deployment, so no feature '" + feature
                    + "'; deploy a project first");
        }
        if (snapshot.get().feature(feature) == null) {
            List<String> all = new ArrayList<>();
            snapshot.get().deployment().graph().features().keySet().forEach(id -> all.add(id.qualified()));
            return Optional.of(Suggestions.unknown("feature", feature, all) + " in environment " + environment);
        }
        return Optional.empty();
    }

    private void requireFeature(String environment, String feature) {
        unknownFeature(environment, feature).ifPresent(problem -> {
            throw new SlateException(ErrorCode.NOT_FOUND, problem);
        });
    }

    /**
     * Makes (or replaces) the named reference from a succeeded offline query job of the environment: every output
     * feature of its result is summarized.
     */
    public ReferenceStore.Reference createReference(String environment, String name, String jobId) {
        if (name == null || !REFERENCE_NAME.matcher(name).matches()) {
            throw new SlateException(
                    ErrorCode.VALIDATION_FAILED,
                    "a reference name is lower-case letters, digits, '_' and '-', starting with a letter (at most 63)");
        }
        if (jobId == null || jobId.isBlank()) {
            throw new SlateException(
                    ErrorCode.VALIDATION_FAILED,
                    "'job_id' is required: the id of a succeeded offline query (POST /v1/query/offline) whose result"
                            + " becomes the reference");
        }
        if (!offline.isResolvable()) {
            throw new SlateException(ErrorCode.CONFLICT, "offline queries are not available on this appliance");
        }
        OfflineQueryService service = offline.get();
        OfflineQueryService.JobResult result = service.result(environment, jobId); // 404 / 409 / 410 problems
        OfflineJob job = result.job();
        if (job.resultRows().orElse(0L) > config.referenceMaxRows()) {
            throw new SlateException(
                    ErrorCode.VALIDATION_FAILED,
                    "job " + jobId + " has " + job.resultRows().get() + " rows; a reference is made from at most "
                            + config.referenceMaxRows() + " (slate.monitoring.reference-max-rows)");
        }
        Map<String, ReferenceSummary.Builder> builders = new LinkedHashMap<>();
        for (OfflineQueryPlan.Output o : job.plan().outputs()) {
            builders.put(
                    o.name(),
                    new ReferenceSummary.Builder(o.name(), numeric(o.featureType()), config.referenceTopValues()));
        }
        if (builders.isEmpty()) {
            throw new SlateException(ErrorCode.VALIDATION_FAILED, "job " + jobId + " computed no features");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile("slate-reference-", ".json");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                service.writeJson(result, out);
            }
            try (InputStream in = Files.newInputStream(tmp);
                    JsonParser p = JSON.createParser(in)) {
                readRows(p, builders);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the result of job " + jobId, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a temp file left behind is removed with the temp directory
                }
            }
        }
        List<ReferenceSummary> summaries =
                builders.values().stream().map(ReferenceSummary.Builder::build).toList();
        references.put(environment, name, Optional.of(jobId), summaries);
        return references.get(environment, name).orElseThrow();
    }

    /** Reads {@code rows: [{column: value}]} into the builders of the columns that are features. */
    private static void readRows(JsonParser p, Map<String, ReferenceSummary.Builder> builders) throws IOException {
        while (p.nextToken() != null) {
            if (p.currentToken() == JsonToken.FIELD_NAME
                    && "rows".equals(p.currentName())
                    && p.getParsingContext().getParent().inRoot()) {
                p.nextToken(); // START_ARRAY
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String column = p.currentName();
                        JsonToken t = p.nextToken();
                        ReferenceSummary.Builder b = builders.get(column);
                        if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                            String text = p.readValueAsTree().toString();
                            if (b != null) {
                                b.add(text);
                            }
                            continue;
                        }
                        if (b == null) {
                            continue;
                        }
                        b.add(
                                switch (t) {
                                    case VALUE_NULL -> null;
                                    case VALUE_NUMBER_INT -> p.getLongValue();
                                    case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                                    case VALUE_TRUE -> Boolean.TRUE;
                                    case VALUE_FALSE -> Boolean.FALSE;
                                    default -> p.getText();
                                });
                    }
                }
                return;
            }
        }
    }

    private static boolean numeric(FeatureType type) {
        return type == FeatureType.Scalar.INT || type == FeatureType.Scalar.FLOAT;
    }

    /** The drift of a feature's values in the window against the named reference. */
    public DriftResult drift(String environment, String feature, String referenceName, StatsWindow window) {
        requireFeature(environment, feature);
        ReferenceStore.Reference reference = references
                .get(environment, referenceName)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.NOT_FOUND,
                        "no reference '" + referenceName + "' in environment " + environment
                                + "; create one with POST /v1/monitoring/references"));
        ReferenceSummary summary = reference.features().get(feature);
        if (summary == null) {
            throw new SlateException(
                    ErrorCode.NOT_FOUND,
                    "reference '" + referenceName + "' has no values of " + feature + "; it has "
                            + String.join(", ", reference.features().keySet()));
        }
        return driftOf(environment, feature, referenceName, summary, window)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.CONFLICT,
                        "no values of " + feature + " were computed on this replica in the last " + window.spelling()
                                + "; drift needs current values (docs/operations.md, \"Drift\")"));
    }

    /** Drift, or empty when either side has no values. */
    Optional<DriftResult> driftOf(
            String environment, String feature, String referenceName, ReferenceSummary summary, StatsWindow window) {
        if (summary.isNumeric()) {
            Optional<KllDoublesSketch> current = statistics.numericSketch(environment, feature, window);
            if (current.isEmpty() || current.get().isEmpty()) {
                return Optional.empty();
            }
            QuantileGrid ref = summary.numeric().get();
            double[] cuts = Drift.cuts(ref);
            double psi = Drift.psi(Drift.binShares(ref, cuts), Drift.binShares(current.get(), cuts));
            Drift.KsTest ks = Drift.ks(ref, current.get());
            return Optional.of(new DriftResult(
                    environment,
                    feature,
                    referenceName,
                    window,
                    summary.total(),
                    current.get().getN(),
                    psi,
                    cuts.length + 1,
                    Optional.of(new DriftResult.Ks(ks.statistic(), ks.pValue()))));
        }
        Optional<FeatureStatistics.Categorical> current = statistics.categories(environment, feature, window);
        if (current.isEmpty() || current.get().total() == 0 || summary.total() == 0) {
            return Optional.empty();
        }
        double psi = Drift.psi(
                summary.counts(),
                summary.total(),
                current.get().counts(),
                current.get().total());
        return Optional.of(new DriftResult(
                environment,
                feature,
                referenceName,
                window,
                summary.total(),
                current.get().total(),
                psi,
                summary.counts().size() + 1,
                Optional.empty()));
    }
}

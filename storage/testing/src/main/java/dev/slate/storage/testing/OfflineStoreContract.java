package dev.slate.storage.testing;

import static dev.slate.storage.testing.ContractValues.FLOAT;
import static dev.slate.storage.testing.ContractValues.INT;
import static dev.slate.storage.testing.ContractValues.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.Values;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ExportCancelledException;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportProgress;
import dev.slate.storage.spi.offline.ExportResult;
import dev.slate.storage.spi.offline.ExportedFeature;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.HistoryObservation;
import dev.slate.storage.spi.offline.HistoryQuery;
import dev.slate.storage.spi.offline.LatestValue;
import dev.slate.storage.spi.offline.LatestValuesQuery;
import dev.slate.storage.spi.offline.LatestValuesResult;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.OfflineStoreCapability;
import dev.slate.storage.spi.offline.PointInTimeExport;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SpineRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The behaviour every {@link OfflineStore} must show: the point-in-time rules of docs/specs/point-in-time.md and the
 * {@link OfflineStore} class comment. A store's test extends this class and supplies {@link #createStore()};
 * each test gets a new store and a fresh namespace, and every namespace a test touched is dropped afterwards.
 * Tests of optional behaviour are skipped (JUnit assumptions) unless the store declares the
 * {@link OfflineStoreCapability}.
 */
public abstract class OfflineStoreContract {

    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration MICRO = Duration.ofNanos(1_000);

    private OfflineStore store;
    /** A directory of the running test for spine and output files. */
    @TempDir
    protected Path directory;

    private String namespace;
    private final List<String> touchedNamespaces = new ArrayList<>();
    private final List<OfflineStore> extraStores = new ArrayList<>();

    /**
     * A new store on the system under test. Called once before each test and again by tests that reopen the
     * store; every store it returns during one test must see the same data. The contract closes them.
     */
    protected abstract OfflineStore createStore();

    /** A namespace name no other test (or earlier run) uses. Override to add a recognisable prefix. */
    protected String freshNamespaceName() {
        return "contract-" + UUID.randomUUID();
    }

    @BeforeEach
    public void openStoreAndNamespace() {
        store = createStore();
        namespace = newNamespace();
    }

    @AfterEach
    public void dropNamespacesAndCloseStores() {
        try {
            for (String ns : touchedNamespaces) {
                store.dropNamespace(ns);
            }
        } finally {
            store.close();
            extraStores.forEach(OfflineStore::close);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // the time rule: latest observation at or before t, within the staleness bound

    @Test
    public void anObservationExactlyAtTheInputTimeMatches() {
        FeatureSlot score = slot("score", FLOAT);
        append(observe("u1", score, 1.0, T));

        assertThat(lookupOne(latest(score), row("u1", T))).isEqualTo(new StoredValue(1.0, T));
    }

    @Test
    public void anObservationOneMicrosecondAfterTheInputTimeDoesNotMatch() {
        FeatureSlot score = slot("score", FLOAT);
        append(observe("u1", score, 1.0, T.minusSeconds(10)), observe("u1", score, 2.0, T.plus(MICRO)));

        assertThat(lookupOne(latest(score), row("u1", T)))
                .as("the later observation is not yet known at t")
                .isEqualTo(new StoredValue(1.0, T.minusSeconds(10)));
        assertThat(lookupOne(latest(score), row("u1", T.minusSeconds(11))))
                .as("before every observation")
                .isNull();
    }

    @Test
    public void theLatestObservationAtOrBeforeTheInputTimeWins() {
        FeatureSlot score = slot("score", INT);
        // appended out of time order: the observation time decides, not the append order
        append(
                observe("u1", score, 3L, T.minusSeconds(1)),
                observe("u1", score, 1L, T.minusSeconds(30)),
                observe("u1", score, 4L, T.plusSeconds(1)),
                observe("u1", score, 2L, T.minusSeconds(20)));

        PointInTimeResult result = lookup(
                List.of(latest(score)),
                row("u1", T.minusSeconds(25)),
                row("u1", T.minusSeconds(20)),
                row("u1", T),
                row("u1", T.plusSeconds(60)));

        assertThat(column(result, 0))
                .containsExactly(
                        new StoredValue(1L, T.minusSeconds(30)), new StoredValue(2L, T.minusSeconds(20)),
                        new StoredValue(3L, T.minusSeconds(1)), new StoredValue(4L, T.plusSeconds(1)));
    }

    @Test
    public void theStalenessBoundIsInclusive() {
        FeatureSlot score = slot("score", FLOAT);
        Duration bound = Duration.ofMinutes(10);
        append(
                observe("exact", score, 1.0, T.minus(bound)),
                observe("older", score, 2.0, T.minus(bound).minus(MICRO)));

        PointInTimeResult result = lookup(List.of(within(score, bound)), row("exact", T), row("older", T));

        assertThat(result.get(0, 0)).as("exactly max_staleness old").isEqualTo(new StoredValue(1.0, T.minus(bound)));
        assertThat(result.get(1, 0)).as("1 µs older than max_staleness").isNull();
    }

    @Test
    public void aZeroStalenessBoundAcceptsOnlyAnObservationAtTheInputTime() {
        FeatureSlot score = slot("score", FLOAT);
        append(observe("at", score, 1.0, T), observe("before", score, 2.0, T.minus(MICRO)));

        PointInTimeResult result = lookup(List.of(within(score, Duration.ZERO)), row("at", T), row("before", T));

        assertThat(column(result, 0)).containsExactly(new StoredValue(1.0, T), null);
    }

    @Test
    public void aStaleMatchIsNullEvenWhenAnOlderObservationExists() {
        FeatureSlot score = slot("score", FLOAT);
        append(
                observe("u1", score, 1.0, T.minus(Duration.ofDays(3))),
                observe("u1", score, 2.0, T.minus(Duration.ofDays(2))));

        assertThat(lookupOne(within(score, Duration.ofDays(1)), row("u1", T))).isNull();
        assertThat(lookupOne(within(score, Duration.ofDays(2)), row("u1", T)))
                .isEqualTo(new StoredValue(2.0, T.minus(Duration.ofDays(2))));
    }

    @Test
    public void withoutAStalenessBoundTheLookbackIsUnbounded() {
        FeatureSlot score = slot("score", FLOAT);
        Instant longAgo = Instant.parse("1901-06-01T00:00:00Z");
        append(observe("u1", score, 7.0, longAgo));

        assertThat(lookupOne(latest(score), row("u1", Instant.parse("9999-12-31T23:59:59.999999Z"))))
                .isEqualTo(new StoredValue(7.0, longAgo));
        assertThat(lookupOne(within(score, Duration.ofDays(365L * 100)), row("u1", T)))
                .as("bounded at 100 years")
                .isNull();
    }

    @Test
    public void twoFeaturesWithDifferentBoundsOnOneSpineRow() {
        FeatureSlot a = slot("a", FLOAT);
        FeatureSlot b = slot("b", FLOAT);
        Instant oneHourAgo = T.minus(Duration.ofHours(1));
        append(observe("u1", a, 1.0, oneHourAgo), observe("u1", b, 2.0, oneHourAgo));

        PointInTimeResult result = lookup(
                List.of(
                        within(a, Duration.ofMinutes(30)),
                        within(b, Duration.ofHours(2)),
                        latest(a),
                        within(b, Duration.ofHours(1))),
                row("u1", T));

        assertThat(result.rows()).hasSize(1);
        assertThat(result.rows().get(0))
                .containsExactly(
                        null,
                        new StoredValue(2.0, oneHourAgo),
                        new StoredValue(1.0, oneHourAgo),
                        new StoredValue(2.0, oneHourAgo));
    }

    // ---------------------------------------------------------------------------------------------
    // ties and corrections

    @Test
    public void ofTwoObservationsWithTheSameTimeTheLaterAppendWins() {
        FeatureSlot score = slot("score", INT);
        // values chosen so that neither the larger nor the smaller value wins by accident
        append(observe("up", score, 1L, T));
        append(observe("up", score, 2L, T));
        append(observe("down", score, 2L, T));
        append(observe("down", score, 1L, T));

        PointInTimeResult result =
                lookup(List.of(latest(score)), row("up", T), row("down", T), row("up", T.plusSeconds(1)));

        assertThat(column(result, 0))
                .containsExactly(new StoredValue(2L, T), new StoredValue(1L, T), new StoredValue(2L, T));
    }

    @Test
    public void withinOneAppendTheLaterElementWinsATie() {
        FeatureSlot score = slot("score", INT);
        append(
                observe("a", score, 5L, T),
                observe("b", score, 9L, T),
                observe("a", score, 3L, T),
                observe("b", score, 8L, T),
                observe("a", score, 4L, T));

        PointInTimeResult result = lookup(List.of(latest(score)), row("a", T), row("b", T));

        assertThat(column(result, 0)).containsExactly(new StoredValue(4L, T), new StoredValue(8L, T));
    }

    @Test
    public void aCorrectionWithTheSameObservationTimeReplacesTheValueForLaterLookups() {
        FeatureSlot email = slot("email", STRING);
        append(observe("u1", email, "old@example.com", T));
        assertThat(lookupOne(latest(email), row("u1", T))).isEqualTo(new StoredValue("old@example.com", T));

        append(new ObservedValue(
                namespace, "user", EntityKey.of("u1"), email, "new@example.com", T, Provenance.ingested()));

        assertThat(lookupOne(latest(email), row("u1", T))).isEqualTo(new StoredValue("new@example.com", T));
        assertThat(lookupOne(latest(email), row("u1", T.plusSeconds(3600))))
                .isEqualTo(new StoredValue("new@example.com", T));
    }

    @Test
    public void aNullObservationIsAValueAndHidesOlderOnes() {
        FeatureSlot email = slot("email", STRING);
        append(observe("u1", email, "a@b", T.minusSeconds(10)), observe("u1", email, null, T));

        PointInTimeResult result =
                lookup(List.of(latest(email)), row("u1", T.minusSeconds(5)), row("u1", T), row("u2", T));

        assertThat(column(result, 0))
                .containsExactly(new StoredValue("a@b", T.minusSeconds(10)), new StoredValue(null, T), null);
    }

    // ---------------------------------------------------------------------------------------------
    // the spine: order, duplicates, time zones, emptiness, unknown keys

    @Test
    public void duplicateSpineRowsAreAllKeptInInputOrderWithTheSameValues() {
        FeatureSlot score = slot("score", INT);
        append(observe("u1", score, 1L, T.minusSeconds(5)), observe("u2", score, 2L, T.minusSeconds(5)));

        PointInTimeResult result = lookup(
                List.of(latest(score)),
                row("u1", T),
                row("u2", T),
                row("u1", T),
                row("u1", T),
                row("u3", T),
                row("u2", T),
                row("u1", T.minusSeconds(6)),
                row("u1", T));

        StoredValue one = new StoredValue(1L, T.minusSeconds(5));
        StoredValue two = new StoredValue(2L, T.minusSeconds(5));
        assertThat(column(result, 0)).containsExactly(one, two, one, one, null, two, null, one);
    }

    @Test
    public void spineRowsComeBackInInputOrderWhateverTheirKeysAndTimes() {
        FeatureSlot score = slot("score", INT);
        List<ObservedValue> values = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            values.add(observe("k" + k, score, (long) k, T.plusSeconds(k)));
        }
        append(values);
        List<SpineRow> spine = new ArrayList<>();
        List<StoredValue> expected = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < 400; i++) {
            int k = random.nextInt(60);
            int at = random.nextInt(120) - 10;
            spine.add(row("k" + k, T.plusSeconds(at)));
            expected.add(k < 50 && at >= k ? new StoredValue((long) k, T.plusSeconds(k)) : null);
        }

        PointInTimeResult result = lookup(List.of(latest(score)), spine.toArray(SpineRow[]::new));

        assertThat(column(result, 0)).containsExactlyElementsOf(expected);
    }

    @Test
    public void inputTimesGivenInDifferentZonesAreTheSameInstants() {
        FeatureSlot score = slot("score", INT);
        append(
                observe("u1", score, 1L, Instant.parse("2026-01-01T00:00:00Z")),
                observe("u1", score, 2L, Instant.parse("2026-01-01T00:00:00.000001Z")));

        List<String> sameInstant = List.of(
                "2026-01-01T00:00:00Z",
                "2026-01-01T01:00:00+01:00",
                "2025-12-31T19:00:00-05:00",
                "2026-01-01T05:30:00+05:30",
                "2026-01-01T00:00:00",
                "2026-01-01T09:00:00+09:00[Asia/Tokyo]");
        List<SpineRow> spine = new ArrayList<>();
        for (String text : sameInstant) {
            spine.add(new SpineRow(EntityKey.of("u1"), Values.toInstant(text)));
        }
        // one microsecond earlier, written with an offset: must not see the observation at midnight UTC
        spine.add(new SpineRow(EntityKey.of("u1"), Values.toInstant("2026-01-01T00:59:59.999999+01:00")));

        PointInTimeResult result = lookup(List.of(latest(score)), spine.toArray(SpineRow[]::new));

        List<StoredValue> expected = new ArrayList<>(
                Collections.nCopies(sameInstant.size(), new StoredValue(1L, Instant.parse("2026-01-01T00:00:00Z"))));
        expected.add(null);
        assertThat(column(result, 0)).containsExactlyElementsOf(expected);
    }

    @Test
    public void anEmptySpineGivesAnEmptyResult() {
        FeatureSlot score = slot("score", INT);
        append(observe("u1", score, 1L, T));

        assertThat(lookup(List.of(latest(score))).rows()).isEmpty();
        assertThat(store.lookup(new PointInTimeQuery(newNamespace(), "user", List.of(), List.of(latest(score))))
                        .rows())
                .isEmpty();
    }

    @Test
    public void keysNeverSeenAndFeaturesNeverWrittenGiveNullsAndKeepTheRow() {
        FeatureSlot score = slot("score", INT);
        FeatureSlot never = slot("never", STRING);
        append(observe("u1", score, 1L, T));

        PointInTimeResult result =
                lookup(List.of(latest(score), latest(never)), row("nobody", T), row("u1", T), row("nobody", T));

        assertThat(result.rows())
                .containsExactly(
                        Arrays.asList(null, null),
                        Arrays.asList(new StoredValue(1L, T), null),
                        Arrays.asList(null, null));
        assertThat(lookup(List.of(), row("u1", T)).rows()).as("no features").containsExactly(List.of());
    }

    @Test
    public void aQueryInANamespaceWithNoDataAtAllGivesNulls() {
        FeatureSlot score = slot("score", INT);
        PointInTimeQuery query = new PointInTimeQuery(
                newNamespace(), "user", List.of(row("u1", T), row("u2", T)), List.of(latest(score)));

        assertThat(store.lookup(query).rows())
                .containsExactly(Collections.singletonList(null), Collections.singletonList(null));
    }

    // ---------------------------------------------------------------------------------------------
    // identity: keys, slots, entities, namespaces

    @Test
    public void compositeKeysDoNotCollideWhenTheirPartsAreConcatenated() {
        FeatureSlot score = slot("score", STRING);
        List<EntityKey> keys = List.of(
                EntityKey.of("1", "23"),
                EntityKey.of("12", "3"),
                EntityKey.of("123"),
                EntityKey.of("1", "2", "3"),
                EntityKey.of(1L, 23L),
                EntityKey.of(12L, 3L),
                EntityKey.of(123L),
                EntityKey.of("1", 23L),
                EntityKey.of(1L, "23"),
                EntityKey.of("a|b", "c"),
                EntityKey.of("a", "b|c"),
                EntityKey.of("a:", "b"),
                EntityKey.of("a", ":b"),
                EntityKey.of("", "ab"),
                EntityKey.of("ab", ""),
                EntityKey.of("s1:a"),
                EntityKey.of("s", "1:a"),
                EntityKey.of("i1"),
                EntityKey.of(1L),
                EntityKey.of("1"),
                EntityKey.of(-1L),
                EntityKey.of("-1"),
                EntityKey.of("日本", "語"),
                EntityKey.of("日", "本語"));
        List<ObservedValue> values = new ArrayList<>();
        List<SpineRow> spine = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            values.add(new ObservedValue(namespace, "pair", keys.get(i), score, "v" + i, T, Provenance.ingested()));
            spine.add(new SpineRow(keys.get(i), T));
        }
        append(values);

        PointInTimeResult result = store.lookup(new PointInTimeQuery(namespace, "pair", spine, List.of(latest(score))));

        for (int i = 0; i < keys.size(); i++) {
            assertThat(result.get(i, 0)).as("key %s", keys.get(i)).isEqualTo(new StoredValue("v" + i, T));
        }
    }

    @Test
    public void versionsTypesEntitiesAndNamespacesAreSeparate() {
        FeatureSlot v1 = new FeatureSlot("score", "v1", FLOAT);
        FeatureSlot v2 = new FeatureSlot("score", "v2", FLOAT);
        FeatureSlot asInt = new FeatureSlot("score", "v1", INT);
        String other = newNamespace();
        append(
                observe("u1", v1, 1.0, T),
                new ObservedValue(namespace, "merchant", EntityKey.of("u1"), v2, 3.0, T, Provenance.ingested()),
                new ObservedValue(other, "user", EntityKey.of("u1"), v2, 4.0, T, Provenance.ingested()));

        PointInTimeResult result = lookup(List.of(latest(v1), latest(v2), latest(asInt)), row("u1", T));

        assertThat(result.rows().get(0)).containsExactly(new StoredValue(1.0, T), null, null);
        assertThat(store.lookup(new PointInTimeQuery(
                                other, "user", List.of(row("u1", T)), List.of(latest(v1), latest(v2))))
                        .rows()
                        .get(0))
                .containsExactly(null, new StoredValue(4.0, T));
        assertThat(store.lookup(new PointInTimeQuery(namespace, "merchant", List.of(row("u1", T)), List.of(latest(v2))))
                        .rows()
                        .get(0))
                .containsExactly(new StoredValue(3.0, T));
    }

    @Test
    public void oddNamesOfNamespacesEntitiesFeaturesAndVersionsAreKeptApart() {
        List<String> names = List.of(
                "a", "a b", "a'b", "a\"b", "a%b", "a/b", "a\\b", "a*b", "a?b", "a[1]", "a{b}", "a=b", "日本", "a.b", "A");
        List<ObservedValue> values = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            values.add(new ObservedValue(
                    namespace,
                    name,
                    EntityKey.of(1L),
                    new FeatureSlot(name, name, INT),
                    (long) i,
                    T,
                    Provenance.ingested()));
        }
        String oddNamespace = track(namespace + "/'x*");
        values.add(new ObservedValue(
                oddNamespace, "a", EntityKey.of(1L), new FeatureSlot("a", "a", INT), 99L, T, Provenance.ingested()));
        append(values);

        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            PointInTimeResult result = store.lookup(new PointInTimeQuery(
                    namespace,
                    name,
                    List.of(SpineRow.of(1L, T)),
                    List.of(latest(new FeatureSlot(name, name, INT)), latest(new FeatureSlot("a", "a", INT)))));
            assertThat(result.get(0, 0)).as("name %s", name).isEqualTo(new StoredValue((long) i, T));
            assertThat(result.get(0, 1))
                    .as("feature a of entity %s", name)
                    .isEqualTo(name.equals("a") ? new StoredValue(0L, T) : null);
        }
        assertThat(store.lookup(new PointInTimeQuery(
                                oddNamespace,
                                "a",
                                List.of(SpineRow.of(1L, T)),
                                List.of(latest(new FeatureSlot("a", "a", INT)))))
                        .get(0, 0))
                .isEqualTo(new StoredValue(99L, T));
    }

    // ---------------------------------------------------------------------------------------------
    // values and times round-trip

    @Test
    public void everyTypeRoundTripsIncludingNullsAndEdgeValues() {
        List<Arguments> cases = ContractValues.typedValues().toList();
        List<ObservedValue> values = new ArrayList<>();
        List<FeatureLookup> features = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            FeatureType type = (FeatureType) cases.get(i).get()[0];
            FeatureSlot valueSlot = new FeatureSlot("value_" + i, "v1", type);
            FeatureSlot nullSlot = new FeatureSlot("null_" + i, "v1", type);
            values.add(observe("k", valueSlot, cases.get(i).get()[1], T));
            values.add(observe("k", nullSlot, null, T));
            features.add(latest(valueSlot));
            features.add(latest(nullSlot));
        }
        append(values);

        PointInTimeResult result = lookup(features, row("k", T));

        for (int i = 0; i < cases.size(); i++) {
            Object[] c = cases.get(i).get();
            assertThat(result.get(0, 2 * i)).as("%s %s", c[0], c[1]).isEqualTo(new StoredValue(c[1], T));
            assertThat(result.get(0, 2 * i + 1)).as("null of %s", c[0]).isEqualTo(new StoredValue(null, T));
        }
    }

    @Test
    public void observationTimesRoundTripAtMicrosecondPrecision() {
        List<Instant> times = ContractValues.observationTimes().toList();
        List<ObservedValue> values = new ArrayList<>();
        List<SpineRow> spine = new ArrayList<>();
        FeatureSlot score = slot("score", INT);
        for (int i = 0; i < times.size(); i++) {
            values.add(observe("k" + i, score, (long) i, times.get(i)));
            spine.add(row("k" + i, times.get(i)));
            spine.add(row("k" + i, times.get(i).minus(MICRO)));
        }
        append(values);

        PointInTimeResult result = lookup(List.of(latest(score)), spine.toArray(SpineRow[]::new));

        for (int i = 0; i < times.size(); i++) {
            assertThat(result.get(2 * i, 0))
                    .as("at %s", times.get(i))
                    .isEqualTo(new StoredValue((long) i, times.get(i)));
            assertThat(result.get(2 * i + 1, 0))
                    .as("1 µs before %s", times.get(i))
                    .isNull();
        }
    }

    @Test
    public void timesFinerThanMicrosecondsAreTruncatedTowardsThePast() {
        FeatureSlot score = slot("score", INT);
        Instant fine = Instant.parse("2026-05-06T07:08:09.123456789Z");
        Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999999Z");
        append(observe("a", score, 1L, fine), observe("b", score, 2L, beforeEpoch));

        PointInTimeResult result = lookup(
                List.of(latest(score)),
                row("a", Instant.parse("2026-05-06T07:08:09.123456001Z")),
                row("b", Instant.parse("1969-12-31T23:59:59.999999Z")));

        assertThat(column(result, 0))
                .containsExactly(
                        new StoredValue(1L, fine.truncatedTo(ChronoUnit.MICROS)),
                        new StoredValue(2L, beforeEpoch.truncatedTo(ChronoUnit.MICROS)));
    }

    // ---------------------------------------------------------------------------------------------
    // an independent oracle over random data: ties, bounds, duplicates, many keys and features

    @Test
    public void randomObservationsAgreeWithABruteForceReading() {
        Random random = new Random(20260301);
        List<FeatureSlot> slots = List.of(slot("a", INT), slot("b", FLOAT), slot("c", STRING));
        List<Duration> bounds = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO);
        List<ObservedValue> all = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            List<ObservedValue> values = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                FeatureSlot s = slots.get(random.nextInt(slots.size()));
                // few distinct times: many ties within and across appends
                Instant at = T.plusSeconds(random.nextInt(40));
                Object value = random.nextInt(10) == 0 ? null : ContractValues.sample(s.type(), batch * 1000 + i);
                values.add(observe("k" + random.nextInt(15), s, value, at));
            }
            append(values);
            all.addAll(values);
        }
        List<FeatureLookup> features = new ArrayList<>();
        for (int f = 0; f < slots.size(); f++) {
            features.add(latest(slots.get(f)));
            features.add(within(slots.get(f), bounds.get(f)));
        }
        List<SpineRow> spine = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            spine.add(row("k" + random.nextInt(18), T.plusSeconds(random.nextInt(50) - 5)));
        }

        PointInTimeResult result = lookup(features, spine.toArray(SpineRow[]::new));

        InMemoryOfflineStore oracle = new InMemoryOfflineStore();
        oracle.append(all);
        PointInTimeResult expected = oracle.lookup(new PointInTimeQuery(namespace, "user", spine, features));
        assertThat(expected.rows().stream()
                        .flatMap(List::stream)
                        .filter(v -> v != null)
                        .count())
                .as("the oracle finds matches")
                .isGreaterThan(300);
        for (int r = 0; r < spine.size(); r++) {
            assertThat(result.rows().get(r))
                    .as("spine row %d %s", r, spine.get(r))
                    .isEqualTo(expected.rows().get(r));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // export: the bulk path from a spine file to an output file gives what lookup gives

    @Test
    public void exportAgreesWithLookupOnRandomData() throws Exception {
        Random random = new Random(20260302);
        List<FeatureSlot> slots =
                List.of(slot("a", INT), slot("b", FLOAT), slot("c", STRING), slot("d", ContractValues.DATETIME));
        for (int batch = 0; batch < 3; batch++) {
            List<ObservedValue> values = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                FeatureSlot s = slots.get(random.nextInt(slots.size()));
                Object value = random.nextInt(10) == 0 ? null : ContractValues.sample(s.type(), batch * 1000 + i);
                values.add(observe((long) random.nextInt(12), s, value, T.plusSeconds(random.nextInt(40))));
            }
            append(values);
        }
        List<FeatureLookup> features = List.of(
                latest(slots.get(0)),
                within(slots.get(1), Duration.ofSeconds(5)),
                latest(slots.get(2)),
                within(slots.get(3), Duration.ZERO),
                within(slots.get(0), Duration.ofSeconds(30)));
        List<SpineRow> spine = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            spine.add(row((long) random.nextInt(15), T.plusSeconds(random.nextInt(50) - 5)));
        }
        spine.add(spine.get(0));
        spine.add(spine.get(7));

        List<SpineFiles.OutputRow> exported = export(spine, features);

        PointInTimeResult expected = lookup(features, spine.toArray(SpineRow[]::new));
        assertThat(expected.rows().stream()
                        .flatMap(List::stream)
                        .filter(v -> v != null)
                        .count())
                .as("lookups find matches")
                .isGreaterThan(250);
        assertThat(exported).hasSize(spine.size());
        for (int r = 0; r < spine.size(); r++) {
            SpineFiles.OutputRow out = exported.get(r);
            assertThat(out.key())
                    .as("key of row %d", r)
                    .isEqualTo(spine.get(r).key().parts());
            assertThat(out.inputTime())
                    .as("input_time of row %d", r)
                    .isEqualTo(spine.get(r).inputTime());
            assertThat(out.values())
                    .as("spine row %d %s", r, spine.get(r))
                    .isEqualTo(SpineFiles.valuesOf(expected.rows().get(r)));
        }
    }

    @Test
    public void exportOfEveryTypeIsTypedAndMatchesLookup() throws Exception {
        List<Arguments> cases = ContractValues.typedValues().toList();
        List<ObservedValue> values = new ArrayList<>();
        List<FeatureLookup> features = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            FeatureType type = (FeatureType) cases.get(i).get()[0];
            FeatureSlot valueSlot = new FeatureSlot("value_" + i, "v1", type);
            values.add(observe(5L, valueSlot, cases.get(i).get()[1], T));
            values.add(observe(6L, valueSlot, null, T));
            features.add(latest(valueSlot));
        }
        append(values);

        List<SpineFiles.OutputRow> exported =
                export(List.of(row(5L, T), row(6L, T), row(7L, T), row(5L, T.minus(MICRO))), features);

        for (int i = 0; i < cases.size(); i++) {
            Object[] c = cases.get(i).get();
            assertThat(exported.get(0).values().get(i)).as("%s %s", c[0], c[1]).isEqualTo(c[1]);
            assertThat(exported.get(1).values().get(i))
                    .as("a null observation of %s", c[0])
                    .isNull();
            assertThat(exported.get(2).values().get(i)).as("a key never seen").isNull();
            assertThat(exported.get(3).values().get(i))
                    .as("1 µs before the observation")
                    .isNull();
        }
    }

    @Test
    public void exportAppliesTheStalenessBoundInclusivelyAndBreaksTiesOnTheLaterAppend() throws Exception {
        FeatureSlot score = slot("score", INT);
        Duration bound = Duration.ofMinutes(10);
        append(
                observe("exact", score, 1L, T.minus(bound)),
                observe("older", score, 2L, T.minus(bound).minus(MICRO)),
                observe("tie", score, 3L, T),
                observe("tie", score, 4L, T));
        append(observe("tie", score, 5L, T));

        List<SpineFiles.OutputRow> exported = export(
                List.of(row("exact", T), row("older", T), row("tie", T), row("older", T.minus(MICRO)), row("tie", T)),
                List.of(within(score, bound), latest(score)));

        assertThat(exported.stream().map(r -> r.values()).toList())
                .containsExactly(
                        List.of(1L, 1L), Arrays.asList(null, 2L), List.of(5L, 5L), List.of(2L, 2L), List.of(5L, 5L));
    }

    @Test
    public void exportKeepsCompositeKeyPartsApart() throws Exception {
        FeatureSlot score = slot("score", INT);
        append(
                new ObservedValue(namespace, "user", EntityKey.of("1", "23"), score, 1L, T, Provenance.ingested()),
                new ObservedValue(namespace, "user", EntityKey.of("12", "3"), score, 2L, T, Provenance.ingested()),
                new ObservedValue(namespace, "user", EntityKey.of("12", "3x"), score, 3L, T, Provenance.ingested()));
        List<SpineRow> spine = List.of(
                new SpineRow(EntityKey.of("12", "3"), T),
                new SpineRow(EntityKey.of("1", "23"), T),
                new SpineRow(EntityKey.of("123", ""), T),
                new SpineRow(EntityKey.of("12", "3x"), T));
        Path spineFile = directory.resolve("composite.parquet");
        SpineFiles.write(spineFile, List.of("user.a", "user.b"), spine);
        Path output = directory.resolve("composite-out.parquet");

        store.export(
                new PointInTimeExport(
                        namespace,
                        "user",
                        spineFile,
                        List.of("user.a", "user.b"),
                        List.of(new ExportedFeature(latest(score), "user.score")),
                        output),
                ExportControl.none());

        List<SpineFiles.OutputRow> rows =
                SpineFiles.readOutput(output, List.of("user.a", "user.b"), List.of("user.score"), List.of(INT));
        assertThat(rows.stream().map(r -> r.values().get(0)).toList()).containsExactly(2L, 1L, null, 3L);
        assertThat(rows.get(0).key()).containsExactly("12", "3");
    }

    @Test
    public void exportOfAnEmptySpineWritesAnEmptyTypedFile() throws Exception {
        FeatureSlot score = slot("score", FLOAT);
        append(observe(1L, score, 1.0, T));

        List<SpineFiles.OutputRow> rows = export(List.of(), List.of(latest(score)));

        assertThat(rows).isEmpty();
    }

    @Test
    public void exportReportsProgressUpToDone() throws Exception {
        FeatureSlot score = slot("score", INT);
        append(observe(1L, score, 1L, T));
        List<ExportProgress> reports = Collections.synchronizedList(new ArrayList<>());
        Path spineFile = directory.resolve("progress.parquet");
        SpineFiles.write(spineFile, List.of("user.id"), List.of(row(1L, T), row(2L, T), row(1L, T)));

        ExportResult result = store.export(
                new PointInTimeExport(
                        namespace,
                        "user",
                        spineFile,
                        List.of("user.id"),
                        List.of(new ExportedFeature(latest(score), "user.score")),
                        directory.resolve("progress-out.parquet")),
                new ExportControl(reports::add));

        assertThat(result.rows()).isEqualTo(3);
        assertThat(result.bytes()).isPositive();
        assertThat(reports).isNotEmpty();
        assertThat(reports.get(reports.size() - 1)).isEqualTo(new ExportProgress(ExportProgress.Stage.DONE, 1.0, 3));
        for (int i = 1; i < reports.size(); i++) {
            assertThat(reports.get(i).fraction())
                    .as("fractions never go back")
                    .isGreaterThanOrEqualTo(reports.get(i - 1).fraction());
        }
    }

    @Test
    public void aCancelledExportFailsAndLeavesNoFileBehind() throws Exception {
        FeatureSlot score = slot("score", INT);
        append(observe(1L, score, 1L, T));
        Path spineFile = directory.resolve("cancel.parquet");
        SpineFiles.write(spineFile, List.of("user.id"), List.of(row(1L, T)));
        Path output = directory.resolve("cancel-out.parquet");
        ExportControl control = ExportControl.none();
        control.cancel();

        assertThatThrownBy(() -> store.export(
                        new PointInTimeExport(
                                namespace,
                                "user",
                                spineFile,
                                List.of("user.id"),
                                List.of(new ExportedFeature(latest(score), "user.score")),
                                output),
                        control))
                .isInstanceOf(ExportCancelledException.class);

        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("cancel.parquet");
        }
    }

    @Test
    public void anExportReplacesAnOlderOutputFile() throws Exception {
        FeatureSlot score = slot("score", INT);
        append(observe(1L, score, 1L, T));
        Path output = directory.resolve("replace-out.parquet");
        Files.writeString(output, "an older file");

        List<SpineFiles.OutputRow> rows = export(List.of(row(1L, T)), List.of(latest(score)), output);

        assertThat(rows.get(0).values()).containsExactly(1L);
    }

    @Test
    public void aSpineFileWithoutTheKeyColumnIsRejected() throws Exception {
        FeatureSlot score = slot("score", INT);
        Path spineFile = directory.resolve("nokey.parquet");
        SpineFiles.write(spineFile, List.of("user.other"), List.of(row(1L, T)));
        Path output = directory.resolve("nokey-out.parquet");

        assertThatThrownBy(() -> store.export(
                        new PointInTimeExport(
                                namespace,
                                "user",
                                spineFile,
                                List.of("user.id"),
                                List.of(new ExportedFeature(latest(score), "user.score")),
                                output),
                        ExportControl.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user.id");
        assertThat(output).doesNotExist();
    }

    // ---------------------------------------------------------------------------------------------
    // reverse ETL: the latest value per key at a time, incrementally

    /** One {@link OfflineStore#latestValues} call over entity {@code user} in the test's namespace. */
    protected final LatestCall latestValues(List<FeatureLookup> features, Optional<String> since, Instant asOf) {
        List<LatestValue> values = new ArrayList<>();
        LatestValuesResult result =
                store.latestValues(new LatestValuesQuery(namespace, "user", features, since, asOf), values::add);
        assertThat(result.values()).as("the count of delivered values").isEqualTo(values.size());
        return new LatestCall(values, result.marker());
    }

    /** What one {@link #latestValues} call delivered. */
    protected record LatestCall(List<LatestValue> values, Optional<String> marker) {}

    private static LatestValue latestValue(Object key, int feature, Object value, Instant observedAt) {
        return new LatestValue(EntityKey.of(key), feature, value, observedAt);
    }

    @Test
    public void latestValuesGivesEachKeyItsValueAtTheTimeAskedFor() {
        FeatureSlot score = slot("score", INT);
        append(
                observe("u1", score, 1L, T.minusSeconds(30)),
                observe("u1", score, 3L, T.minusSeconds(1)),
                observe("u1", score, 9L, T.plus(MICRO)),
                observe("u2", score, 5L, T),
                observe("later", score, 7L, T.plusSeconds(5)));
        append(observe("u2", score, 6L, T)); // the same time, appended later: wins

        assertThat(latestValues(List.of(latest(score)), Optional.empty(), T).values())
                .containsExactlyInAnyOrder(latestValue("u1", 0, 3L, T.minusSeconds(1)), latestValue("u2", 0, 6L, T));
        assertThat(latestValues(List.of(latest(score)), Optional.empty(), T.plusSeconds(10))
                        .values())
                .containsExactlyInAnyOrder(
                        latestValue("u1", 0, 9L, T.plus(MICRO)),
                        latestValue("u2", 0, 6L, T),
                        latestValue("later", 0, 7L, T.plusSeconds(5)));
    }

    @Test
    public void latestValuesLeavesOutValuesOlderThanTheStalenessBound() {
        FeatureSlot score = slot("score", FLOAT);
        Duration bound = Duration.ofHours(1);
        append(
                observe("exact", score, 1.0, T.minus(bound)),
                observe("older", score, 2.0, T.minus(bound).minus(MICRO)),
                observe("fresh", score, 3.0, T.minusSeconds(1)));

        assertThat(latestValues(List.of(within(score, bound)), Optional.empty(), T)
                        .values())
                .containsExactlyInAnyOrder(
                        latestValue("exact", 0, 1.0, T.minus(bound)), latestValue("fresh", 0, 3.0, T.minusSeconds(1)));
        assertThat(latestValues(List.of(latest(score)), Optional.empty(), T).values())
                .as("no bound")
                .hasSize(3);
    }

    @Test
    public void latestValuesWithAMarkerConsidersOnlyLaterAppends() {
        FeatureSlot score = slot("score", INT);
        append(observe("u1", score, 1L, T.minusSeconds(20)), observe("u2", score, 2L, T.minusSeconds(20)));
        LatestCall first = latestValues(List.of(latest(score)), Optional.empty(), T);
        assertThat(first.values()).hasSize(2);
        assertThat(first.marker()).isPresent();

        LatestCall nothingNew = latestValues(List.of(latest(score)), first.marker(), T);
        assertThat(nothingNew.values()).isEmpty();
        assertThat(nothingNew.marker()).isPresent();

        // u1 gets a newer value, u2 a backdated one, u3 its first: each is the latest among the new appends
        append(observe("u1", score, 10L, T.minusSeconds(5)), observe("u2", score, 20L, T.minusSeconds(60)));
        append(observe("u3", score, 30L, T.minusSeconds(5)), observe("u1", score, 11L, T.minusSeconds(10)));
        LatestCall second = latestValues(List.of(latest(score)), nothingNew.marker(), T);
        assertThat(second.values())
                .containsExactlyInAnyOrder(
                        latestValue("u1", 0, 10L, T.minusSeconds(5)),
                        latestValue("u2", 0, 20L, T.minusSeconds(60)),
                        latestValue("u3", 0, 30L, T.minusSeconds(5)));
        assertThat(latestValues(List.of(latest(score)), second.marker(), T).values())
                .isEmpty();
        assertThat(latestValues(List.of(latest(score)), first.marker(), T).values())
                .as("an older marker reads the same appends again")
                .hasSize(3);
    }

    @Test
    public void anUnknownMarkerReadsEverything() {
        FeatureSlot score = slot("score", INT);
        append(observe("u1", score, 1L, T));

        assertThat(latestValues(List.of(latest(score)), Optional.of("no-such-marker"), T)
                        .values())
                .containsExactly(latestValue("u1", 0, 1L, T));
    }

    @Test
    public void latestValuesKeepsFeaturesVersionsTypesEntitiesAndNamespacesApart() {
        FeatureSlot a = slot("a", STRING);
        FeatureSlot b = slot("b", STRING);
        String other = newNamespace();
        append(
                observe("u1", a, "a1", T),
                observe("u1", b, null, T),
                observe("u2", b, "b2", T),
                observe("u1", new FeatureSlot("a", "v2", STRING), "other version", T.plusSeconds(1)),
                observe("u1", new FeatureSlot("a", "v1", INT), 5L, T.plusSeconds(1)),
                new ObservedValue(
                        namespace,
                        "account",
                        EntityKey.of("u1"),
                        a,
                        "other entity",
                        T.plusSeconds(1),
                        Provenance.ingested()),
                new ObservedValue(
                        other,
                        "user",
                        EntityKey.of("u1"),
                        a,
                        "other namespace",
                        T.plusSeconds(1),
                        Provenance.ingested()));

        assertThat(latestValues(List.of(latest(b), latest(a)), Optional.empty(), T.plusSeconds(10))
                        .values())
                .containsExactlyInAnyOrder(
                        latestValue("u1", 1, "a1", T), latestValue("u1", 0, null, T), latestValue("u2", 0, "b2", T));
    }

    @Test
    public void latestValuesKeepsCompositeKeysAndEveryTypeIntact() {
        FeatureSlot tags = slot("tags", ContractValues.LIST_LIST_INT);
        FeatureSlot seen = slot("seen", ContractValues.DATETIME);
        FeatureSlot day = slot("day", ContractValues.DATE);
        FeatureSlot ratio = slot("ratio", FLOAT);
        Instant when = Instant.parse("1969-12-31T23:59:59.999999Z");
        List<List<Long>> nested = Arrays.asList(List.of(1L, -2L), List.of(), Arrays.asList(3L, null));
        append(
                new ObservedValue(namespace, "user", EntityKey.of("1", "23"), tags, nested, T, Provenance.ingested()),
                new ObservedValue(
                        namespace, "user", EntityKey.of("12", "3"), tags, List.of(), T, Provenance.ingested()),
                new ObservedValue(namespace, "user", EntityKey.of(7L, "日本"), seen, when, T, Provenance.ingested()),
                new ObservedValue(
                        namespace,
                        "user",
                        EntityKey.of(7L, "日本"),
                        day,
                        LocalDate.parse("0001-01-01"),
                        T,
                        Provenance.ingested()),
                new ObservedValue(
                        namespace, "user", EntityKey.of(7L, "日本"), ratio, Double.NaN, T, Provenance.ingested()));

        List<LatestValue> values = latestValues(
                        List.of(latest(tags), latest(seen), latest(day), latest(ratio)), Optional.empty(), T)
                .values();
        assertThat(values)
                .containsExactlyInAnyOrder(
                        new LatestValue(EntityKey.of("1", "23"), 0, nested, T),
                        new LatestValue(EntityKey.of("12", "3"), 0, List.of(), T),
                        new LatestValue(EntityKey.of(7L, "日本"), 1, when, T),
                        new LatestValue(EntityKey.of(7L, "日本"), 2, LocalDate.parse("0001-01-01"), T),
                        new LatestValue(EntityKey.of(7L, "日本"), 3, Double.NaN, T));
    }

    @Test
    public void latestValuesOfADroppedNamespaceAreGone() {
        FeatureSlot score = slot("score", INT);
        append(observe("u1", score, 1L, T));
        LatestCall before = latestValues(List.of(latest(score)), Optional.empty(), T);
        assertThat(before.values()).hasSize(1);

        store.dropNamespace(namespace);

        assertThat(latestValues(List.of(latest(score)), Optional.empty(), T).values())
                .isEmpty();
        append(observe("u1", score, 2L, T.plusSeconds(1)));
        assertThat(latestValues(List.of(latest(score)), before.marker(), T.plusSeconds(1))
                        .values())
                .containsExactly(latestValue("u1", 0, 2L, T.plusSeconds(1)));
    }

    // ---------------------------------------------------------------------------------------------
    // history: every observation up to a time, per key in point-in-time order (windowed aggregations offline)

    private List<HistoryObservation> history(List<FeatureSlot> features, Instant until) {
        List<HistoryObservation> out = new ArrayList<>();
        long delivered = store.history(new HistoryQuery(namespace, "user", features, until), out::add);
        assertThat(delivered).as("the count returned").isEqualTo(out.size());
        return out;
    }

    @Test
    public void historyDeliversEveryObservationUpToTheTimeInPointInTimeOrderPerKey() {
        FeatureSlot amount = slot("amount", FLOAT);
        FeatureSlot owner = slot("owner", INT);
        // appended out of time order; a correction at the same time as the value it corrects; one after until
        append(
                observe("t1", amount, 2.0, T.minusSeconds(10)),
                observe("t1", owner, 7L, T.minusSeconds(30)),
                observe("t2", amount, 5.0, T),
                observe("t1", amount, 1.0, T.minusSeconds(30)));
        append(
                observe("t1", amount, 3.0, T.minusSeconds(10)),
                observe("t1", owner, null, T),
                observe("t2", amount, 6.0, T.plus(MICRO)));

        List<HistoryObservation> all = history(List.of(amount, owner), T);

        List<HistoryObservation> t1 =
                all.stream().filter(o -> o.key().equals(EntityKey.of("t1"))).toList();
        List<HistoryObservation> t2 =
                all.stream().filter(o -> o.key().equals(EntityKey.of("t2"))).toList();
        assertThat(all).hasSize(6);
        assertThat(t1)
                .as("by time, then append order")
                .containsExactly(
                        new HistoryObservation(EntityKey.of("t1"), 1, 7L, T.minusSeconds(30)),
                        new HistoryObservation(EntityKey.of("t1"), 0, 1.0, T.minusSeconds(30)),
                        new HistoryObservation(EntityKey.of("t1"), 0, 2.0, T.minusSeconds(10)),
                        new HistoryObservation(EntityKey.of("t1"), 0, 3.0, T.minusSeconds(10)),
                        new HistoryObservation(EntityKey.of("t1"), 1, null, T));
        assertThat(t2).containsExactly(new HistoryObservation(EntityKey.of("t2"), 0, 5.0, T));
        int firstT2 = all.indexOf(t2.getFirst());
        assertThat(all.subList(firstT2, firstT2 + t2.size()))
                .as("a key's observations come together")
                .isEqualTo(t2);
    }

    @Test
    public void historyOfTheSameTimeKeepsAppendOrderAcrossFeatures() {
        FeatureSlot a = slot("a", INT);
        FeatureSlot b = slot("b", STRING);
        append(observe("k", b, "first", T), observe("k", a, 1L, T));
        append(observe("k", a, 2L, T));
        append(observe("k", b, "last", T));

        assertThat(history(List.of(a, b), T))
                .containsExactly(
                        new HistoryObservation(EntityKey.of("k"), 1, "first", T),
                        new HistoryObservation(EntityKey.of("k"), 0, 1L, T),
                        new HistoryObservation(EntityKey.of("k"), 0, 2L, T),
                        new HistoryObservation(EntityKey.of("k"), 1, "last", T));
    }

    @Test
    public void historyKeepsFeaturesVersionsTypesEntitiesAndNamespacesApart() {
        FeatureSlot a = slot("a", STRING);
        String other = newNamespace();
        append(
                observe("u1", a, "a1", T),
                observe("u1", new FeatureSlot("a", "v2", STRING), "other version", T),
                observe("u1", new FeatureSlot("a", "v1", INT), 5L, T),
                observe("u1", slot("b", STRING), "other feature", T),
                new ObservedValue(
                        namespace, "account", EntityKey.of("u1"), a, "other entity", T, Provenance.ingested()),
                new ObservedValue(other, "user", EntityKey.of("u1"), a, "other namespace", T, Provenance.ingested()));

        assertThat(history(List.of(a), T.plusSeconds(1)))
                .containsExactly(new HistoryObservation(EntityKey.of("u1"), 0, "a1", T));
        assertThat(history(List.of(slot("none", INT)), T)).isEmpty();
    }

    @Test
    public void historyKeepsCompositeKeysAndEveryTypeIntact() {
        FeatureSlot seen = slot("seen", ContractValues.DATETIME);
        FeatureSlot day = slot("day", ContractValues.DATE);
        FeatureSlot ratio = slot("ratio", FLOAT);
        FeatureSlot tags = slot("tags", ContractValues.LIST_LIST_INT);
        FeatureSlot flag = slot("flag", ContractValues.BOOL);
        Instant when = Instant.parse("1969-12-31T23:59:59.999999Z");
        List<List<Long>> nested = Arrays.asList(List.of(1L, -2L), List.of(), Arrays.asList(3L, null));
        EntityKey key = EntityKey.of(7L, "日本");
        append(
                new ObservedValue(namespace, "user", key, seen, when, T, Provenance.ingested()),
                new ObservedValue(namespace, "user", key, day, LocalDate.parse("0001-01-01"), T, Provenance.ingested()),
                new ObservedValue(namespace, "user", key, ratio, Double.NaN, T, Provenance.ingested()),
                new ObservedValue(namespace, "user", key, tags, nested, T, Provenance.ingested()),
                new ObservedValue(namespace, "user", key, flag, false, T, Provenance.ingested()));

        assertThat(history(List.of(seen, day, ratio, tags, flag), T))
                .containsExactly(
                        new HistoryObservation(key, 0, when, T),
                        new HistoryObservation(key, 1, LocalDate.parse("0001-01-01"), T),
                        new HistoryObservation(key, 2, Double.NaN, T),
                        new HistoryObservation(key, 3, nested, T),
                        new HistoryObservation(key, 4, false, T));
    }

    @Test
    public void historyOfADroppedNamespaceIsEmpty() {
        FeatureSlot score = slot("score", INT);
        append(observe("u1", score, 1L, T));
        store.dropNamespace(namespace);

        assertThat(history(List.of(score), T)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // writes: durability, concurrency, namespaces, health

    @Test
    public void appendedValuesSurviveClosingAndReopeningTheStore() {
        requireCapability(OfflineStoreCapability.DURABLE);
        FeatureSlot score = slot("score", INT);
        append(observe("u1", score, 1L, T), observe("u2", score, 2L, T));
        store.close();

        store = createStore();

        PointInTimeResult result = lookup(List.of(latest(score)), row("u1", T), row("u2", T));
        assertThat(column(result, 0)).containsExactly(new StoredValue(1L, T), new StoredValue(2L, T));
    }

    @Test
    public void aSecondStoreOverTheSameStorageSeesAppendsOfTheFirst() {
        requireCapability(OfflineStoreCapability.DURABLE);
        FeatureSlot score = slot("score", INT);
        OfflineStore second = createStore();
        extraStores.add(second);
        assertThat(second.lookup(new PointInTimeQuery(namespace, "user", List.of(row("u1", T)), List.of(latest(score))))
                        .get(0, 0))
                .isNull();

        append(observe("u1", score, 1L, T));
        second.append(List.of(observe("u1", score, 2L, T.plusSeconds(1))));

        PointInTimeQuery query = new PointInTimeQuery(
                namespace, "user", List.of(row("u1", T), row("u1", T.plusSeconds(1))), List.of(latest(score)));
        assertThat(column(second.lookup(query), 0))
                .containsExactly(new StoredValue(1L, T), new StoredValue(2L, T.plusSeconds(1)));
        assertThat(column(store.lookup(query), 0))
                .containsExactly(new StoredValue(1L, T), new StoredValue(2L, T.plusSeconds(1)));
    }

    @Test
    public void concurrentAppendsAreAllKept() throws Exception {
        int threads = 6;
        int appendsPerThread = 5;
        FeatureSlot score = slot("score", INT);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int a = 0; a < appendsPerThread; a++) {
                        List<ObservedValue> values = new ArrayList<>();
                        for (int k = 0; k < 20; k++) {
                            values.add(observe(
                                    "t" + thread + "-" + k, score, (long) (thread * 1000 + a), T.plusSeconds(a)));
                        }
                        store.append(values);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<SpineRow> spine = new ArrayList<>();
        List<StoredValue> expected = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            for (int k = 0; k < 20; k++) {
                for (int a = 0; a < appendsPerThread; a++) {
                    spine.add(row("t" + t + "-" + k, T.plusSeconds(a)));
                    expected.add(new StoredValue((long) (t * 1000 + a), T.plusSeconds(a)));
                }
            }
        }

        assertThat(column(lookup(List.of(latest(score)), spine.toArray(SpineRow[]::new)), 0))
                .containsExactlyElementsOf(expected);
    }

    @Test
    public void anEmptyAppendDoesNothing() {
        store.append(List.of());

        assertThat(lookupOne(latest(slot("score", INT)), row("u1", T))).isNull();
    }

    @Test
    public void dropNamespaceRemovesOnlyThatNamespace() {
        FeatureSlot score = slot("score", INT);
        String other = newNamespace();
        String sibling = track(namespace + "x");
        append(
                observe("u1", score, 1L, T),
                new ObservedValue(other, "user", EntityKey.of("u1"), score, 2L, T, Provenance.ingested()),
                new ObservedValue(sibling, "user", EntityKey.of("u1"), score, 3L, T, Provenance.ingested()));

        store.dropNamespace(namespace);

        assertThat(lookupOne(latest(score), row("u1", T))).isNull();
        assertThat(store.lookup(new PointInTimeQuery(other, "user", List.of(row("u1", T)), List.of(latest(score))))
                        .get(0, 0))
                .isEqualTo(new StoredValue(2L, T));
        assertThat(store.lookup(new PointInTimeQuery(sibling, "user", List.of(row("u1", T)), List.of(latest(score))))
                        .get(0, 0))
                .isEqualTo(new StoredValue(3L, T));

        append(observe("u1", score, 9L, T.plusSeconds(1)));
        assertThat(lookupOne(latest(score), row("u1", T.plusSeconds(1))))
                .as("usable after a drop")
                .isEqualTo(new StoredValue(9L, T.plusSeconds(1)));
        assertThat(lookupOne(latest(score), row("u1", T)))
                .as("dropped values do not come back")
                .isNull();
    }

    @Test
    public void pingAnswers() {
        store.ping();
    }

    @Test
    public void valuesOfTheWrongJavaTypeAreRejectedBeforeTheyReachTheStore() {
        assertThatThrownBy(() -> observe("u1", slot("score", INT), 1, T))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("int");
        assertThatThrownBy(() -> observe("u1", slot("tags", ContractValues.LIST_STRING), List.of(1L), T))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("string");
        assertThatThrownBy(() -> within(slot("score", INT), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> row("u1", Instant.parse("+10000-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------------
    // helpers for this suite and for store-specific tests in subclasses

    protected final OfflineStore store() {
        return store;
    }

    /** The fresh namespace of the running test. */
    protected final String namespace() {
        return namespace;
    }

    /** Another fresh namespace, dropped after the test. */
    protected final String newNamespace() {
        return track(freshNamespaceName());
    }

    /** Registers a namespace to drop after the test; returns it. */
    protected final String track(String ns) {
        touchedNamespaces.add(ns);
        return ns;
    }

    protected static FeatureSlot slot(String feature, FeatureType type) {
        return new FeatureSlot(feature, "v1", type);
    }

    /** An observation of entity {@code user} in the test's namespace. */
    protected final ObservedValue observe(Object key, FeatureSlot slot, Object value, Instant observedAt) {
        return new ObservedValue(
                namespace,
                "user",
                EntityKey.of(key),
                slot,
                value,
                observedAt,
                Provenance.computed("q-" + UUID.randomUUID(), "resolver", "deployment-1"));
    }

    protected static SpineRow row(Object key, Instant inputTime) {
        return SpineRow.of(key, inputTime);
    }

    protected static FeatureLookup latest(FeatureSlot slot) {
        return FeatureLookup.latest(slot);
    }

    protected static FeatureLookup within(FeatureSlot slot, Duration maxStaleness) {
        return FeatureLookup.within(slot, maxStaleness);
    }

    protected final void append(ObservedValue... values) {
        store.append(List.of(values));
    }

    protected final void append(List<ObservedValue> values) {
        store.append(values);
    }

    /** A lookup over entity {@code user} in the test's namespace; checks the result's shape. */
    protected final PointInTimeResult lookup(List<FeatureLookup> features, SpineRow... spine) {
        PointInTimeResult result = store.lookup(new PointInTimeQuery(namespace, "user", List.of(spine), features));
        assertThat(result.rows()).as("one result row per spine row").hasSize(spine.length);
        for (List<StoredValue> row : result.rows()) {
            assertThat(row).as("one value per feature").hasSize(features.size());
        }
        return result;
    }

    protected final StoredValue lookupOne(FeatureLookup feature, SpineRow row) {
        return lookup(List.of(feature), row).get(0, 0);
    }

    /** The values of one feature, one per spine row. */
    protected static List<StoredValue> column(PointInTimeResult result, int feature) {
        List<StoredValue> out = new ArrayList<>();
        for (List<StoredValue> row : result.rows()) {
            out.add(row.get(feature));
        }
        return out;
    }

    /** Writes {@code spine} to a spine file (key column {@code user.id}), exports it, reads the output back. */
    protected final List<SpineFiles.OutputRow> export(List<SpineRow> spine, List<FeatureLookup> features)
            throws Exception {
        return export(spine, features, directory.resolve("out-" + UUID.randomUUID() + ".parquet"));
    }

    private List<SpineFiles.OutputRow> export(List<SpineRow> spine, List<FeatureLookup> features, Path output)
            throws Exception {
        Path spineFile = directory.resolve("spine-" + UUID.randomUUID() + ".parquet");
        SpineFiles.write(spineFile, List.of("user.id"), spine);
        List<ExportedFeature> exported = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        List<FeatureType> types = new ArrayList<>();
        for (int f = 0; f < features.size(); f++) {
            columns.add("user." + features.get(f).slot().feature() + "#" + f);
            types.add(features.get(f).slot().type());
            exported.add(new ExportedFeature(features.get(f), columns.get(f)));
        }
        ExportResult result = store.export(
                new PointInTimeExport(namespace, "user", spineFile, List.of("user.id"), exported, output),
                ExportControl.none());
        assertThat(result.rows()).as("rows written").isEqualTo(spine.size());
        assertThat(result.output()).isEqualTo(output.toAbsolutePath().normalize());
        return SpineFiles.readOutput(output, List.of("user.id"), columns, types);
    }

    protected final void requireCapability(OfflineStoreCapability capability) {
        assumeTrue(store.capabilities().contains(capability), () -> "store does not declare " + capability);
    }
}

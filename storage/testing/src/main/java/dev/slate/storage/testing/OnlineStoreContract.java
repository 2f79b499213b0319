package dev.slate.storage.testing;

import static dev.slate.storage.testing.ContractValues.DATETIME;
import static dev.slate.storage.testing.ContractValues.FLOAT;
import static dev.slate.storage.testing.ContractValues.INT;
import static dev.slate.storage.testing.ContractValues.LIST_STRING;
import static dev.slate.storage.testing.ContractValues.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineStoreCapability;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link OnlineStore} must show. A store's test extends this class and supplies
 * {@link #createStore()}; each test gets a new store and a fresh namespace, and every namespace a test
 * touched is dropped afterwards. Tests of optional behaviour are skipped (JUnit assumptions) unless the
 * store declares the {@link OnlineStoreCapability}.
 */
public abstract class OnlineStoreContract {

    /** Longest a single store call may take in these tests. */
    protected static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration SHORT_RETENTION = Duration.ofMillis(400);
    private static final Duration MAX_EXPIRY_WAIT = Duration.ofMillis(1200);

    private OnlineStore store;
    private String namespace;
    private final List<String> touchedNamespaces = new ArrayList<>();

    /** A new store on the system under test. The contract closes it after each test. */
    protected abstract OnlineStore createStore();

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
    public void dropNamespacesAndCloseStore() {
        try {
            for (String ns : touchedNamespaces) {
                await(store.dropNamespace(ns));
            }
        } finally {
            store.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // reads of what is not there

    @Test
    public void readOfMissingSlotsReturnsNullsAlignedToTheRequest() {
        EntityRef a = entity("user", 1L);
        EntityRef b = entity("user", "b");
        List<FeatureSlot> three = List.of(slot("x", INT), slot("y", STRING), slot("z", LIST_STRING));

        List<List<StoredValue>> result = read(new OnlineRead(a, three), new OnlineRead(b, three.subList(0, 1)));

        assertThat(result).hasSize(2);
        assertThat(result.get(0)).hasSize(3).containsOnlyNulls();
        assertThat(result.get(1)).hasSize(1).containsOnlyNulls();
    }

    @Test
    public void emptyCallsAndReadsWithoutSlotsAreAnsweredInShape() {
        assertThat(await(store.read(List.of()))).isEmpty();
        await(store.write(List.of()));

        FeatureSlot x = slot("x", INT);
        EntityRef a = entity("user", 1L);
        write(a, x, 5L, T0);

        List<List<StoredValue>> result =
                read(new OnlineRead(a, List.of()), new OnlineRead(a, List.of(x)), new OnlineRead(a, List.of()));
        assertThat(result).hasSize(3);
        assertThat(result.get(0)).isEmpty();
        assertThat(result.get(1)).containsExactly(new StoredValue(5L, T0));
        assertThat(result.get(2)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // round trips

    public static Stream<Arguments> typedValues() {
        return ContractValues.typedValues();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typedValues")
    public void writeThenReadRoundTripsEveryType(FeatureType type, Object value) {
        EntityRef e = entity("thing", 7L);
        FeatureSlot s = slot("f", type);
        Instant at = Instant.parse("2026-02-03T04:05:06.654321Z");

        write(e, s, value, at);

        StoredValue got = readOne(e, s);
        assertThat(got).as("stored value").isNotNull();
        assertThat(got.value()).isEqualTo(value);
        assertThat(got.observedAt()).isEqualTo(at);
    }

    public static Stream<FeatureType> allTypes() {
        return ContractValues.ALL_TYPES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allTypes")
    public void aStoredNullIsAValueNotAnAbsence(FeatureType type) {
        EntityRef e = entity("thing", "k");
        FeatureSlot stored = slot("stored", type);
        FeatureSlot never = slot("never", type);

        write(e, stored, null, T0);

        List<StoredValue> got = read(new OnlineRead(e, List.of(stored, never))).get(0);
        assertThat(got.get(0)).isEqualTo(new StoredValue(null, T0));
        assertThat(got.get(1)).isNull();
    }

    public static Stream<Instant> observationTimes() {
        return ContractValues.observationTimes();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("observationTimes")
    public void observedAtRoundTripsAtMicrosecondPrecision(Instant at) {
        EntityRef e = entity("thing", 1L);
        FeatureSlot s = slot("f", INT);

        write(e, s, 1L, at);

        assertThat(readOne(e, s)).isEqualTo(new StoredValue(1L, at));
    }

    @Test
    public void timesFinerThanMicrosecondsAreTruncatedToMicroseconds() {
        EntityRef e = entity("thing", 1L);
        FeatureSlot observed = slot("observed", INT);
        FeatureSlot datetime = slot("datetime", DATETIME);
        Instant fine = Instant.parse("2026-05-06T07:08:09.123456789Z");
        Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999999Z");

        write(e, observed, 1L, fine);
        write(e, datetime, beforeEpoch, fine);

        assertThat(readOne(e, observed).observedAt()).isEqualTo(fine.truncatedTo(ChronoUnit.MICROS));
        assertThat(readOne(e, datetime).value()).isEqualTo(beforeEpoch.truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    public void manyEntitiesAndSlotsInOneCallStayAligned() {
        List<FeatureSlot> slots = new ArrayList<>();
        for (FeatureType type : ContractValues.ALL_TYPES) {
            slots.add(slot("f_" + slots.size(), type));
        }
        List<EntityRef> entities = new ArrayList<>();
        for (long k = 0; k < 30; k++) {
            entities.add(entity("user", k));
        }
        for (String k : List.of("a", "b", "c", "0", "1")) {
            entities.add(entity("user", k));
        }
        entities.add(entity("merchant", 3L));

        List<OnlineWrite> writes = new ArrayList<>();
        for (int e = 0; e < entities.size(); e++) {
            for (int s = 0; s < slots.size(); s++) {
                if (present(e, s)) {
                    writes.add(new OnlineWrite(
                            entities.get(e),
                            slots.get(s),
                            ContractValues.sample(slots.get(s).type(), e * 100 + s),
                            at(e * 100 + s),
                            Optional.empty()));
                }
            }
        }
        await(store.write(writes));

        // each entity asks for the slots in a different order, plus one never written; the first entity twice
        FeatureSlot unknown = slot("unknown", INT);
        List<OnlineRead> reads = new ArrayList<>();
        List<List<Integer>> asked = new ArrayList<>();
        for (int e = 0; e <= entities.size(); e++) {
            int entityIndex = e % entities.size();
            List<FeatureSlot> order = new ArrayList<>();
            List<Integer> indexes = new ArrayList<>();
            for (int i = 0; i < slots.size(); i++) {
                int s = (i + e) % slots.size();
                order.add(slots.get(s));
                indexes.add(s);
                if (i == e % slots.size()) {
                    order.add(unknown);
                    indexes.add(-1);
                }
            }
            reads.add(new OnlineRead(entities.get(entityIndex), order));
            asked.add(indexes);
        }

        List<List<StoredValue>> result = read(reads.toArray(OnlineRead[]::new));

        assertThat(result).hasSize(reads.size());
        for (int r = 0; r < reads.size(); r++) {
            int e = r % entities.size();
            List<Integer> indexes = asked.get(r);
            assertThat(result.get(r)).as("answers for read %d", r).hasSize(indexes.size());
            for (int i = 0; i < indexes.size(); i++) {
                int s = indexes.get(i);
                StoredValue got = result.get(r).get(i);
                if (s < 0 || !present(e, s)) {
                    assertThat(got).as("read %d position %d", r, i).isNull();
                } else {
                    assertThat(got)
                            .as("read %d position %d", r, i)
                            .isEqualTo(new StoredValue(
                                    ContractValues.sample(slots.get(s).type(), e * 100 + s), at(e * 100 + s)));
                }
            }
        }
    }

    private static boolean present(int entity, int slot) {
        return (entity + 2 * slot) % 5 != 0;
    }

    private static Instant at(int seed) {
        return T0.plus(seed, ChronoUnit.MICROS);
    }

    // ---------------------------------------------------------------------------------------------
    // newer wins

    @Test
    public void backdatedWriteDoesNotOverwrite() {
        requireCapability(OnlineStoreCapability.NEWER_WINS);
        EntityRef e = entity("user", 1L);
        FeatureSlot s = slot("email", STRING);

        write(e, s, "new", T0);
        write(e, s, "old", T0.minus(1, ChronoUnit.MICROS));

        assertThat(readOne(e, s)).isEqualTo(new StoredValue("new", T0));
    }

    @Test
    public void equalTimeWriteOverwritesSoTheLaterWriteWins() {
        requireCapability(OnlineStoreCapability.NEWER_WINS);
        EntityRef e = entity("user", 1L);
        FeatureSlot s = slot("email", STRING);

        write(e, s, "first", T0);
        write(e, s, "second", T0);

        assertThat(readOne(e, s)).isEqualTo(new StoredValue("second", T0));
    }

    @Test
    public void newerWriteOverwrites() {
        requireCapability(OnlineStoreCapability.NEWER_WINS);
        EntityRef e = entity("user", 1L);
        FeatureSlot s = slot("score", FLOAT);
        Instant later = T0.plus(1, ChronoUnit.MICROS);

        write(e, s, 1.0, T0);
        write(e, s, 2.0, later);

        assertThat(readOne(e, s)).isEqualTo(new StoredValue(2.0, later));
    }

    @Test
    public void newerWinsAppliesWithinOneCallInListOrder() {
        requireCapability(OnlineStoreCapability.NEWER_WINS);
        EntityRef e = entity("user", 1L);
        FeatureSlot backdated = slot("backdated", INT);
        FeatureSlot tie = slot("tie", INT);

        await(store.write(List.of(
                new OnlineWrite(e, backdated, 2L, T0, Optional.empty()),
                new OnlineWrite(e, tie, 1L, T0, Optional.empty()),
                new OnlineWrite(e, backdated, 1L, T0.minusSeconds(1), Optional.empty()),
                new OnlineWrite(e, tie, 2L, T0, Optional.empty()))));

        assertThat(read(new OnlineRead(e, List.of(backdated, tie))).get(0))
                .containsExactly(new StoredValue(2L, T0), new StoredValue(2L, T0));
    }

    @Test
    public void newerWinsComparesTimesExactlyAcrossSignsAndMagnitudes() {
        requireCapability(OnlineStoreCapability.NEWER_WINS);
        EntityRef e = entity("user", 1L);
        // (newer, older) pairs whose decimal epoch-microsecond texts sort the other way round
        List<Instant[]> pairs = List.of(
                new Instant[] {Instant.parse("1970-01-01T00:00:01Z"), Instant.parse("1970-01-01T00:00:00.999999Z")},
                new Instant[] {Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999999Z")},
                new Instant[] {Instant.parse("1969-12-31T23:59:59.999999Z"), Instant.parse("1969-12-31T23:59:59Z")},
                new Instant[] {Instant.parse("1969-12-31T23:59:59Z"), Instant.parse("1900-01-01T00:00:00Z")},
                new Instant[] {Instant.parse("9999-12-31T23:59:59.999999Z"), T0},
                new Instant[] {T0.plus(1, ChronoUnit.MICROS), T0});
        for (int i = 0; i < pairs.size(); i++) {
            Instant newer = pairs.get(i)[0];
            Instant older = pairs.get(i)[1];
            FeatureSlot newerFirst = slot("newer_first_" + i, STRING);
            FeatureSlot olderFirst = slot("older_first_" + i, STRING);
            write(e, newerFirst, "newer", newer);
            write(e, newerFirst, "older", older);
            write(e, olderFirst, "older", older);
            write(e, olderFirst, "newer", newer);
            assertThat(readOne(e, newerFirst))
                    .as("pair %d, newer written first", i)
                    .isEqualTo(new StoredValue("newer", newer));
            assertThat(readOne(e, olderFirst))
                    .as("pair %d, older written first", i)
                    .isEqualTo(new StoredValue("newer", newer));
        }
    }

    @Test
    public void nullsFollowTheSameOrderingAsValues() {
        requireCapability(OnlineStoreCapability.NEWER_WINS);
        EntityRef e = entity("user", 1L);
        FeatureSlot s = slot("email", STRING);
        Instant t1 = T0.plusSeconds(1);

        write(e, s, "x", T0);
        write(e, s, null, T0.minusSeconds(1));
        assertThat(readOne(e, s)).as("backdated null").isEqualTo(new StoredValue("x", T0));

        write(e, s, null, t1);
        assertThat(readOne(e, s)).as("newer null").isEqualTo(new StoredValue(null, t1));

        write(e, s, "y", T0);
        assertThat(readOne(e, s)).as("value older than the null").isEqualTo(new StoredValue(null, t1));

        write(e, s, "z", t1);
        assertThat(readOne(e, s)).as("value at the null's time").isEqualTo(new StoredValue("z", t1));
    }

    // ---------------------------------------------------------------------------------------------
    // identity: versions, keys, names

    @Test
    public void aNewVersionOfASlotDoesNotSeeTheOldVersionsValue() {
        EntityRef e = entity("user", 1L);
        FeatureSlot v1 = new FeatureSlot("score", "v1", FLOAT);
        FeatureSlot v2 = new FeatureSlot("score", "v2", FLOAT);

        write(e, v1, 1.0, T0);
        assertThat(readOne(e, v2)).isNull();

        write(e, v2, 2.0, T0);
        assertThat(read(new OnlineRead(e, List.of(v1, v2))).get(0))
                .containsExactly(new StoredValue(1.0, T0), new StoredValue(2.0, T0));
    }

    @Test
    public void distinctEntityRefsAndSlotsNeverCollide() {
        String ns = namespace;
        String nsWithColon = track(ns + ":user");
        String nsWithBrace = track(ns + "{user}");
        List<EntityRef> refs = List.of(
                new EntityRef(ns, "user", 42L),
                new EntityRef(ns, "user", "42"),
                new EntityRef(ns, "user", "i42"),
                new EntityRef(ns, "user", "s42"),
                new EntityRef(ns, "user", -42L),
                new EntityRef(ns, "user", "-42"),
                new EntityRef(ns, "user", ""),
                new EntityRef(ns, "user", " "),
                new EntityRef(ns, "user", "a:b"),
                new EntityRef(ns, "user:a", "b"),
                new EntityRef(ns, "user", "a%3Ab"),
                new EntityRef(ns, "user", "a%b"),
                new EntityRef(ns, "user", "{a}"),
                new EntityRef(ns, "user", "%7Ba%7D"),
                new EntityRef(ns, "user", "{"),
                new EntityRef(ns, "user", "}"),
                new EntityRef(ns, "user", "*"),
                new EntityRef(ns, "user", "?"),
                new EntityRef(ns, "user", "[a]"),
                new EntityRef(ns, "user", "a\\b"),
                new EntityRef(ns, "user", "a@b"),
                new EntityRef(ns, "user", "a|b"),
                new EntityRef(ns, "user", "日本"),
                new EntityRef(ns, "User", 42L),
                new EntityRef(ns, "user:x", 1L),
                new EntityRef(ns, "user", "x:1"),
                new EntityRef(nsWithColon, "x", 1L),
                new EntityRef(nsWithBrace, "x", 1L),
                new EntityRef(ns, "{user}", "x"));
        List<FeatureSlot> slots = List.of(
                new FeatureSlot("a", "b", STRING),
                new FeatureSlot("a@b", "c", STRING),
                new FeatureSlot("a", "b@c", STRING),
                new FeatureSlot("a:b", "c", STRING),
                new FeatureSlot("a", "b:c", STRING),
                new FeatureSlot("a%40b", "c", STRING),
                new FeatureSlot("x[1d]", "v", STRING),
                new FeatureSlot("x[7d]", "v", STRING));

        List<OnlineWrite> writes = new ArrayList<>();
        for (int r = 0; r < refs.size(); r++) {
            for (int s = 0; s < slots.size(); s++) {
                writes.add(new OnlineWrite(refs.get(r), slots.get(s), r + "/" + s, T0, Optional.empty()));
            }
        }
        await(store.write(writes));

        List<OnlineRead> reads = new ArrayList<>();
        for (EntityRef ref : refs) {
            reads.add(new OnlineRead(ref, slots));
        }
        List<List<StoredValue>> result = await(store.read(reads));
        for (int r = 0; r < refs.size(); r++) {
            for (int s = 0; s < slots.size(); s++) {
                assertThat(result.get(r).get(s))
                        .as("%s %s", refs.get(r), slots.get(s))
                        .isEqualTo(new StoredValue(r + "/" + s, T0));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // retention

    @Test
    public void aWriteWithAShortRetentionExpires() throws InterruptedException {
        requireCapability(OnlineStoreCapability.RETENTION);
        EntityRef e = entity("user", 1L);
        FeatureSlot s = slot("session", STRING);

        long start = System.nanoTime();
        await(store.write(List.of(new OnlineWrite(e, s, "x", T0, Optional.of(SHORT_RETENTION)))));
        assertThat(readOne(e, s)).as("right after the write").isEqualTo(new StoredValue("x", T0));

        long goneAfterNanos = waitUntilAbsent(e, s, start);

        assertThat(Duration.ofNanos(goneAfterNanos))
                .as("kept at least its retention")
                .isGreaterThanOrEqualTo(SHORT_RETENTION);
    }

    @Test
    public void aRetentionNeverShortensALongerOrUnboundedOne() throws InterruptedException {
        requireCapability(OnlineStoreCapability.RETENTION);
        FeatureSlot a = slot("a", INT);
        FeatureSlot b = slot("b", INT);
        Optional<Duration> shortly = Optional.of(SHORT_RETENTION);
        EntityRef unboundedThenShort = entity("user", 1L);
        EntityRef longThenShort = entity("user", 2L);
        EntityRef sameCall = entity("user", 3L);
        EntityRef canary = entity("user", 4L);

        await(store.write(List.of(
                new OnlineWrite(unboundedThenShort, a, 1L, T0, Optional.empty()),
                new OnlineWrite(longThenShort, a, 2L, T0, Optional.of(Duration.ofMinutes(10))))));
        await(store.write(List.of(
                new OnlineWrite(unboundedThenShort, b, 1L, T0, shortly),
                new OnlineWrite(longThenShort, b, 2L, T0, shortly))));
        await(store.write(List.of(
                new OnlineWrite(sameCall, a, 3L, T0, Optional.empty()),
                new OnlineWrite(sameCall, b, 3L, T0, shortly))));
        long start = System.nanoTime();
        await(store.write(List.of(new OnlineWrite(canary, a, 4L, T0, shortly))));

        waitUntilAbsent(canary, a, start);

        List<List<StoredValue>> kept = read(
                new OnlineRead(unboundedThenShort, List.of(a)),
                new OnlineRead(longThenShort, List.of(a)),
                new OnlineRead(sameCall, List.of(a)));
        assertThat(kept.get(0))
                .as("unbounded, then a short retention for another slot")
                .containsExactly(new StoredValue(1L, T0));
        assertThat(kept.get(1))
                .as("long retention, then a short one for another slot")
                .containsExactly(new StoredValue(2L, T0));
        assertThat(kept.get(2)).as("unbounded and short in one call").containsExactly(new StoredValue(3L, T0));
    }

    /** Polls until the slot reads as absent; returns the nanoseconds from {@code startNanos} to the answer. */
    private long waitUntilAbsent(EntityRef e, FeatureSlot s, long startNanos) {
        Duration left = MAX_EXPIRY_WAIT.minusNanos(System.nanoTime() - startNanos);
        Awaitility.await("value with retention " + SHORT_RETENTION.toMillis() + " ms gone within "
                        + MAX_EXPIRY_WAIT.toMillis() + " ms")
                .atMost(left.isNegative() ? Duration.ZERO : left)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> readOne(e, s) == null);
        return System.nanoTime() - startNanos;
    }

    // ---------------------------------------------------------------------------------------------
    // namespaces, health

    @Test
    public void dropNamespaceRemovesOnlyThatNamespace() {
        String other = newNamespace();
        String sibling = track(namespace + "x");
        String globLike = track(namespace + "*");
        FeatureSlot s = slot("f", INT);

        List<OnlineWrite> writes = new ArrayList<>();
        List<OnlineRead> reads = new ArrayList<>();
        for (long k = 0; k < 1200; k++) {
            EntityRef e = entity("user", k);
            writes.add(new OnlineWrite(e, s, k, T0, Optional.empty()));
            reads.add(new OnlineRead(e, List.of(s)));
        }
        for (String ns : List.of(other, sibling, globLike)) {
            writes.add(new OnlineWrite(new EntityRef(ns, "user", 1L), s, 1L, T0, Optional.empty()));
        }
        await(store.write(writes));

        await(store.dropNamespace(namespace));

        assertThat(await(store.read(reads)))
                .allSatisfy(answer -> assertThat(answer).containsOnlyNulls());
        for (String ns : List.of(other, sibling, globLike)) {
            assertThat(readOne(new EntityRef(ns, "user", 1L), s)).as(ns).isEqualTo(new StoredValue(1L, T0));
        }

        await(store.dropNamespace(globLike));
        assertThat(readOne(new EntityRef(globLike, "user", 1L), s)).isNull();
        assertThat(readOne(new EntityRef(sibling, "user", 1L), s))
                .as("glob characters are literal")
                .isEqualTo(new StoredValue(1L, T0));

        await(store.dropNamespace(namespace));
        write(entity("user", 1L), s, 9L, T0);
        assertThat(readOne(entity("user", 1L), s))
                .as("namespace usable after a drop")
                .isEqualTo(new StoredValue(9L, T0));
        assertThat(readOne(entity("user", 2L), s))
                .as("dropped values do not come back")
                .isNull();
    }

    @Test
    public void pingAnswers() {
        await(store.ping());
    }

    // ---------------------------------------------------------------------------------------------
    // concurrency

    @Test
    public void concurrentWritesAndReadsStayConsistent() throws Exception {
        int threads = 8;
        int rounds = 100; // one write and one read per round: 200 operations per thread
        boolean newerWins = store.capabilities().contains(OnlineStoreCapability.NEWER_WINS);
        EntityRef shared = entity("user", "shared");
        FeatureSlot counter = slot("counter", INT);

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    EntityRef own = entity("user", (long) thread);
                    for (int i = 0; i < rounds; i++) {
                        Instant at = T0.plus((long) i * threads + thread, ChronoUnit.MICROS);
                        await(store.write(List.of(
                                new OnlineWrite(shared, counter, (long) thread * 1000 + i, at, Optional.empty()),
                                new OnlineWrite(own, counter, (long) i, at, Optional.empty()))));
                        List<List<StoredValue>> got = await(store.read(List.of(
                                new OnlineRead(own, List.of(counter)), new OnlineRead(shared, List.of(counter)))));
                        assertThat(got.get(0).get(0))
                                .as("own entity, thread %d round %d", thread, i)
                                .isEqualTo(new StoredValue((long) i, at));
                        StoredValue sharedValue = got.get(1).get(0);
                        assertThat(sharedValue).isNotNull();
                        long micros = ChronoUnit.MICROS.between(T0, sharedValue.observedAt());
                        assertThat(sharedValue.value())
                                .as("value and time written together")
                                .isEqualTo((micros % threads) * 1000 + micros / threads);
                        if (newerWins) {
                            assertThat(sharedValue.observedAt())
                                    .as("never older than a completed write")
                                    .isAfterOrEqualTo(at);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        if (newerWins) {
            Instant last = T0.plus((long) (rounds - 1) * threads + threads - 1, ChronoUnit.MICROS);
            assertThat(readOne(shared, counter))
                    .isEqualTo(new StoredValue((long) (threads - 1) * 1000 + rounds - 1, last));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // helpers for this suite and for store-specific tests in subclasses

    protected final OnlineStore store() {
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

    protected final EntityRef entity(String name, Object key) {
        return new EntityRef(namespace, name, key);
    }

    protected static FeatureSlot slot(String feature, FeatureType type) {
        return new FeatureSlot(feature, "v1", type);
    }

    protected final void write(EntityRef e, FeatureSlot s, Object value, Instant observedAt) {
        await(store.write(List.of(new OnlineWrite(e, s, value, observedAt, Optional.empty()))));
    }

    protected final List<List<StoredValue>> read(OnlineRead... reads) {
        return await(store.read(List.of(reads)));
    }

    protected final StoredValue readOne(EntityRef e, FeatureSlot s) {
        List<List<StoredValue>> result = await(store.read(List.of(new OnlineRead(e, List.of(s)))));
        assertThat(result).hasSize(1);
        assertThat(result.get(0)).hasSize(1);
        return result.get(0).get(0);
    }

    protected final void requireCapability(OnlineStoreCapability capability) {
        assumeTrue(store.capabilities().contains(capability), () -> "store does not declare " + capability);
    }

    /** Waits for a store call; a failed call fails the test with its cause. */
    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("store call failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("store call did not complete within " + CALL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

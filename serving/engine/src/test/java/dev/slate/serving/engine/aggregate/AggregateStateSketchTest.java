package dev.slate.serving.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.storage.spi.FeatureType;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.kll.KllSketch;
import org.junit.jupiter.api.Test;

/**
 * The serialized sketches of a bucket's partial state (docs/specs/aggregations.md, "What a bucket holds"): the HLL
 * sketch of {@code approx_count_distinct} and the KLL sketch of {@code approx_percentile}, their size bounds, their
 * merge semantics, and the previous format (1), which is still read. Oracles are computed here from the values.
 */
class AggregateStateSketchTest {
    static final Instant T = Instant.parse("2026-06-01T10:30:00Z");
    static final double P = 0.9;
    /** KLL's normalized rank error for k 200, single rank, 99% confidence: the documented bound. */
    static final double EPSILON = KllSketch.getNormalizedRankError(AggregateState.KLL_K, false);
    /** A state's header: the format byte, the count and the sketch's length. */
    static final int HEADER = 1 + 8 + 4;

    static AggregateState distinctState() {
        return new AggregateState(AggregateFunction.APPROX_COUNT_DISTINCT, FeatureType.Scalar.STRING, 0);
    }

    static AggregateState percentileState() {
        return new AggregateState(AggregateFunction.APPROX_PERCENTILE, FeatureType.Scalar.FLOAT, P);
    }

    static AggregateState read(AggregateState like, byte[] bytes) {
        return AggregateState.fromBytes(like.function(), FeatureType.Scalar.FLOAT, P, bytes);
    }

    @Test
    void distinctBucketsKeepTheirHllSketchAndMergeToTheEstimateOfAllValues() {
        Random r = new Random(8);
        // few values (the sketch's coupon list), some hundreds (its coupon set) and many (its HLL registers)
        for (int perBucket : new int[] {3, 120, 4_000}) {
            List<String> all = new ArrayList<>();
            AggregateState merged = distinctState();
            List<byte[]> buckets = new ArrayList<>();
            for (int b = 0; b < 24; b++) {
                AggregateState bucket = distinctState();
                for (int i = 0; i < perBucket; i++) {
                    String v = "m" + r.nextInt(perBucket * 12); // repeats within and across buckets
                    bucket.add(T, v);
                    all.add(v);
                }
                byte[] bytes = bucket.toBytes();
                assertThat(bytes[0]).isEqualTo(AggregateState.FORMAT);
                assertThat(bytes.length).isLessThanOrEqualTo(HEADER + 2_216);
                buckets.add(bytes);
            }
            for (byte[] b : buckets) {
                merged.merge(read(merged, b));
            }
            // the same values in another order, in one state: the composite estimate depends on the set only
            Collections.shuffle(all, r);
            AggregateState direct = distinctState();
            all.forEach(v -> direct.add(T, v));
            HllSketch oracle = new HllSketch(AggregateState.HLL_LG_K);
            all.forEach(oracle::update);
            assertThat(merged.result())
                    .as("%d values per bucket", perBucket)
                    .isEqualTo(direct.result())
                    .isEqualTo(Math.round(oracle.getCompositeEstimate()));
            long exact = new HashSet<>(all).size();
            assertThat((double) (long) merged.result()).isCloseTo(exact, offset(exact * 0.05));
        }
    }

    @Test
    void percentileBucketsOfAtMost200ValuesAreExact() {
        Random r = new Random(9);
        List<Double> all = new ArrayList<>();
        AggregateState merged = percentileState();
        for (int b = 0; b < 30; b++) {
            AggregateState bucket = percentileState();
            int n = b == 0 ? AggregateState.KLL_K : 1 + r.nextInt(AggregateState.KLL_K);
            for (int i = 0; i < n; i++) {
                double v = Math.round((r.nextDouble() * 300 - 20) * 100) / 100.0;
                bucket.add(T, v);
                all.add(v);
            }
            AggregateState back = read(bucket, bucket.toBytes());
            assertThat(back.compacted())
                    .as("a sketch of %d values keeps every value", n)
                    .isFalse();
            assertThat(back.result())
                    .isEqualTo(bucket.result())
                    .isEqualTo(oracle(all.subList(all.size() - n, all.size()), P));
            merged.merge(back);
        }
        assertThat(merged.count()).isEqualTo(all.size());
        assertThat(merged.result()).isEqualTo(oracle(all, P));
        // -0.0 and 0.0 stay two values, ordered as Java orders them
        AggregateState zeros = percentileState();
        zeros.add(T, 0.0);
        zeros.add(T, -0.0);
        assertThat(read(zeros, zeros.toBytes()).result()).isEqualTo(0.0);
        AggregateState low = new AggregateState(AggregateFunction.APPROX_PERCENTILE, FeatureType.Scalar.FLOAT, 0.5);
        low.add(T, 0.0);
        low.add(T, -0.0);
        assertThat(AggregateState.fromBytes(low.function(), FeatureType.Scalar.FLOAT, 0.5, low.toBytes())
                        .result())
                .isEqualTo(-0.0);
    }

    @Test
    void compactedPercentileBucketsAreBoundedAndWithinTheRankErrorAndMergeDeterministically() {
        Random r = new Random(10);
        List<Double> all = new ArrayList<>();
        List<AggregateState> buckets = new ArrayList<>();
        for (int b = 0; b < 12; b++) {
            AggregateState bucket = percentileState();
            int n = 201 + r.nextInt(2_000);
            for (int i = 0; i < n; i++) {
                double v = r.nextGaussian() * 50 + b;
                bucket.add(T, v);
                all.add(v);
            }
            byte[] bytes = bucket.toBytes();
            assertThat(bytes.length).as("a KLL sketch below 2³¹ values").isLessThanOrEqualTo(HEADER + 5_772);
            AggregateState back = read(bucket, bytes);
            assertThat(back.compacted())
                    .as("beyond 200 values the sketch compacts")
                    .isTrue();
            assertThat(back.count()).isEqualTo(n);
            assertWithinRankError(back.result(), all.subList(all.size() - n, all.size()), "bucket " + b);
            buckets.add(back);
        }
        AggregateState merged = percentileState();
        buckets.forEach(merged::merge);
        assertThat(merged.count()).isEqualTo(all.size());
        assertWithinRankError(merged.result(), all, "merged");
        // the merge keeps every weighted value, so any order of the same states answers the same
        List<AggregateState> reversed = new ArrayList<>(buckets);
        Collections.reverse(reversed);
        AggregateState again = percentileState();
        reversed.forEach(again::merge);
        assertThat(again.result()).isEqualTo(merged.result());
        // a merged (weighted) state serializes too: its sketch keeps the total weight
        AggregateState reserialized = read(merged, merged.toBytes());
        assertThat(reserialized.count()).isEqualTo(all.size());
        assertWithinRankError(reserialized.result(), all, "merged, serialized");
    }

    @Test
    void statesOfTheFormerFormatAreStillRead() throws IOException {
        // format 1: the distinct values of approx_count_distinct, every value of approx_percentile
        List<String> merchants = List.of("a", "b", "c", "b");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeLong(merchants.size());
            Set<String> distinct = new HashSet<>(merchants);
            out.writeInt(distinct.size());
            for (String m : distinct) {
                TaggedValues.write(out, m);
            }
        }
        AggregateState current = distinctState();
        merchants.forEach(m -> current.add(T, m));
        assertThat(read(current, bytes.toByteArray()).result()).isEqualTo(3L).isEqualTo(current.result());
        AggregateState merged = read(current, bytes.toByteArray());
        merged.merge(read(current, current.toBytes()));
        assertThat(merged.result()).isEqualTo(3L);

        double[] values = {5.0, -1.5, 7.25, 3.0, 3.0, 12.0, 0.5, 9.0, 1.0, 2.0};
        bytes.reset();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeLong(values.length);
            for (double v : values) {
                out.writeDouble(v);
            }
        }
        List<Double> list = Arrays.stream(values).boxed().toList();
        assertThat(read(percentileState(), bytes.toByteArray()).result())
                .isEqualTo(oracle(list, P))
                .isEqualTo(9.0);
    }

    @Test
    void corruptStatesAreRefused() {
        AggregateState s = percentileState();
        s.add(T, 1.0);
        byte[] good = s.toBytes();
        byte[] unknownFormat = good.clone();
        unknownFormat[0] = 3;
        assertThatThrownBy(() -> read(s, unknownFormat)).isInstanceOf(IllegalArgumentException.class);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> read(s, trailing)).isInstanceOf(IllegalArgumentException.class);
        byte[] wrongCount = good.clone();
        wrongCount[8] = 2; // the count's last byte: 2 values for a sketch of 1
        assertThatThrownBy(() -> read(s, wrongCount))
                .isInstanceOf(IllegalArgumentException.class)
                .hasRootCauseMessage("a KLL sketch of 1 values for a count of 2");
    }

    /** The value at rank ⌈p·n⌉ of the values, p read as the decimal it is written as. */
    static double oracle(List<Double> values, double p) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = BigDecimal.valueOf(p)
                .multiply(BigDecimal.valueOf(sorted.length))
                .setScale(0, RoundingMode.CEILING)
                .intValueExact();
        return sorted[Math.max(1, rank) - 1];
    }

    /** The answer's ranks among the values lie within ε·n of rank ⌈p·n⌉. */
    static void assertWithinRankError(Object answer, List<Double> values, String what) {
        double v = (Double) answer;
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        long target = BigDecimal.valueOf(P)
                .multiply(BigDecimal.valueOf(n))
                .setScale(0, RoundingMode.CEILING)
                .longValueExact();
        long below = Arrays.stream(sorted).filter(x -> x < v).count();
        long atOrBelow = Arrays.stream(sorted).filter(x -> x <= v).count();
        assertThat(atOrBelow).as("%s: %s is one of the values", what, v).isGreaterThan(below);
        long error = target < below + 1 ? below + 1 - target : target > atOrBelow ? target - atOrBelow : 0;
        assertThat((double) error)
                .as("%s: rank error of %s among %d values", what, v, n)
                .isLessThanOrEqualTo(EPSILON * n);
    }
}

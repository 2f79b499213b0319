package dev.slate.serving.telemetry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Compares the outbox, the source of truth of what a replica measured, with what a consumer read from the usage topic
 * (docs/specs/usage-records.md, "Record ids and de-duplication"): every record of the outbox must be on the topic with
 * the same content; repeats of an id are counted (delivery is at least once) but are no loss. {@link UsageTopicAudit}
 * runs it for the telemetry outage benchmark (docs/benchmarks.md, "Telemetry with the broker down (issue 11)").
 */
final class UsageDeliveryAudit {

    private UsageDeliveryAudit() {}

    /** A row of the outbox and whether it is marked shipped. */
    record OutboxEntry(long id, UsageRecord record, boolean shipped) {
        OutboxEntry {
            requireNonNull(record, "record is null");
        }
    }

    /** One message read from the topic. */
    sealed interface Message permits Decoded, Malformed {}

    /** A message that decoded as a usage record, with its key and its {@code slate-record-id} header. */
    record Decoded(long partition, long offset, String key, Optional<String> headerId, UsageRecord record)
            implements Message {
        Decoded {
            requireNonNull(headerId, "headerId is null");
            requireNonNull(record, "record is null");
        }
    }

    /** A message that is no usage record of schema version 1. */
    record Malformed(long partition, long offset, String reason) implements Message {
        Malformed {
            requireNonNull(reason, "reason is null");
        }
    }

    /**
     * What the comparison found.
     *
     * @param outboxRecords records of the outbox in scope
     * @param unshipped of those, records not yet marked shipped
     * @param messages messages read from the topic that are in scope (repeats included)
     * @param delivered outbox records found on the topic with the same content
     * @param missing outbox records not on the topic: lost
     * @param differing ids on the topic whose content differs from the outbox record of that id
     * @param unexpected ids on the topic (in scope) that the outbox does not hold
     * @param malformed messages that are no usage record, or whose key or header disagree with the value
     * @param duplicates ids read more than once, with how many copies
     * @param periodGaps per environment served throughout, stretches of time without a {@code node_seconds} record
     *     between the first and the last one: periods the meter closed but never wrote
     * @param queries per environment, the sum of {@code queries} of the outbox records in scope
     */
    record Report(
            int outboxRecords,
            int unshipped,
            int messages,
            int delivered,
            List<UUID> missing,
            List<UUID> differing,
            List<UUID> unexpected,
            List<String> malformed,
            Map<UUID, Integer> duplicates,
            List<String> periodGaps,
            Map<String, Long> queries) {

        Report {
            missing = List.copyOf(missing);
            differing = List.copyOf(differing);
            unexpected = List.copyOf(unexpected);
            malformed = List.copyOf(malformed);
            duplicates = Map.copyOf(duplicates);
            periodGaps = List.copyOf(periodGaps);
            queries = Map.copyOf(queries);
        }

        /** Extra copies beyond the first, over all ids. */
        long duplicateCopies() {
            return duplicates.values().stream().mapToLong(n -> n - 1L).sum();
        }

        /** True when every outbox record was delivered intact and nothing else turned up. */
        boolean deliveredAll() {
            return unshipped == 0
                    && missing.isEmpty()
                    && differing.isEmpty()
                    && unexpected.isEmpty()
                    && malformed.isEmpty();
        }

        /** {@link #deliveredAll()}, and the outbox misses no period the meter closed. */
        boolean lossless() {
            return deliveredAll() && periodGaps.isEmpty();
        }
    }

    /**
     * @param outbox the outbox rows in scope (e.g. of one node, periods before a cut-off)
     * @param topic every message read from the topic
     * @param inScope which decoded topic records belong to the same scope as {@code outbox}
     * @param continuous environments the replica served without interruption over the scope's periods (others may
     *     have been deployed or removed meanwhile): their {@code node_seconds} must leave no gap
     */
    static Report compare(
            List<OutboxEntry> outbox, List<Message> topic, Predicate<UsageRecord> inScope, Set<String> continuous) {
        Map<UUID, UsageRecord> expected = new LinkedHashMap<>();
        int unshipped = 0;
        for (OutboxEntry e : outbox) {
            expected.put(e.record().recordId(), e.record());
            if (!e.shipped()) {
                unshipped++;
            }
        }
        Map<UUID, Integer> copies = new HashMap<>();
        Set<UUID> differing = new LinkedHashSet<>();
        List<UUID> unexpected = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        int messages = 0;
        for (Message m : topic) {
            switch (m) {
                case Malformed bad -> malformed.add(where(bad.partition(), bad.offset()) + ": " + bad.reason());
                case Decoded d -> {
                    UsageRecord r = d.record();
                    if (!inScope.test(r)) {
                        continue;
                    }
                    messages++;
                    String id = r.recordId().toString();
                    if (!r.environment().equals(d.key())) {
                        malformed.add(where(d.partition(), d.offset()) + ": key '" + d.key()
                                + "' is not the environment '" + r.environment() + "'");
                    }
                    if (!d.headerId().equals(Optional.of(id))) {
                        malformed.add(where(d.partition(), d.offset()) + ": header slate-record-id "
                                + d.headerId().orElse("(missing)") + " is not the record id " + id);
                    }
                    int n = copies.merge(r.recordId(), 1, Integer::sum);
                    UsageRecord want = expected.get(r.recordId());
                    if (want == null) {
                        if (n == 1) {
                            unexpected.add(r.recordId());
                        }
                    } else if (!want.equals(r)) {
                        differing.add(r.recordId());
                    }
                }
            }
        }
        List<UUID> missing = new ArrayList<>();
        int delivered = 0;
        for (UUID id : expected.keySet()) {
            if (!copies.containsKey(id)) {
                missing.add(id);
            } else if (!differing.contains(id)) {
                delivered++;
            }
        }
        Map<UUID, Integer> duplicates = new HashMap<>();
        copies.forEach((id, n) -> {
            if (n > 1) {
                duplicates.put(id, n);
            }
        });
        return new Report(
                expected.size(),
                unshipped,
                messages,
                delivered,
                missing,
                List.copyOf(differing),
                unexpected,
                malformed,
                duplicates,
                periodGaps(expected.values().stream()
                        .filter(r -> continuous.contains(r.environment()))
                        .toList()),
                queries(expected.values()));
    }

    /** Stretches between consecutive {@code node_seconds} records of an environment that no record covers. */
    static List<String> periodGaps(Iterable<UsageRecord> records) {
        Map<String, List<UsageRecord>> byEnvironment = new TreeMap<>();
        for (UsageRecord r : records) {
            if (r.metric() == UsageMetric.NODE_SECONDS) {
                byEnvironment
                        .computeIfAbsent(r.environment(), e -> new ArrayList<>())
                        .add(r);
            }
        }
        List<String> gaps = new ArrayList<>();
        byEnvironment.forEach((environment, list) -> {
            list.sort(Comparator.comparing(UsageRecord::periodStart));
            Instant covered = null;
            for (UsageRecord r : list) {
                if (covered != null && r.periodStart().isAfter(covered)) {
                    gaps.add(environment + ": no node_seconds for [" + covered + ", " + r.periodStart() + ")");
                }
                covered = covered == null || r.periodEnd().isAfter(covered) ? r.periodEnd() : covered;
            }
        });
        return gaps;
    }

    private static Map<String, Long> queries(Iterable<UsageRecord> records) {
        Map<String, Long> out = new TreeMap<>();
        for (UsageRecord r : records) {
            if (r.metric() == UsageMetric.QUERIES) {
                out.merge(r.environment(), r.quantity(), Long::sum);
            }
        }
        return out;
    }

    private static String where(long partition, long offset) {
        return "partition " + partition + " offset " + offset;
    }
}

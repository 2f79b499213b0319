package dev.slate.serving.featurelog;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The compact spool record of one query's computed values (docs/specs/feature-log.md), encoded on the request
 * thread: what every value of the query shares (environment, deployment, query id) and each feature's
 * description are written once, then each value as a feature index, its key, its typed value and its time.
 * Layout, all integers big-endian, {@code str} = i32 byte length + UTF-8 bytes:
 *
 * <pre>
 * u8  0xB2 (a block; the older one-value records start with 0x00)
 * str namespace, str deployment id, str query id
 * entries until the end of the record:
 *   u8 1 = a feature (its index is the number of features before it): str entity, str feature, str version,
 *        str type spelling, str resolver
 *   u8 2 = a value: u16 feature index, u8 key part count, per part u8 tag (1 = long i64, 2 = string str),
 *        i64 observed-at epoch microseconds, u8 1 = present then the value, 0 = null
 * a value by type: int i64, float f64 bits, bool u8, datetime i64 epoch microseconds, date i32 epoch days,
 * string str, list str (its ValueCodec text)
 * </pre>
 *
 * A record never exceeds {@link #TARGET_RECORD_BYTES} unless one value alone does: the encoder ends the record at a
 * value boundary and starts the next with the same header and the features declared so far, so each record can be
 * decoded on its own.
 */
final class ObservationBlock {

    static final byte MAGIC = (byte) 0xB2;
    static final int TARGET_RECORD_BYTES = 60 * 1024;
    private static final byte FEATURE = 1;
    private static final byte VALUE = 2;
    private static final byte LONG_PART = 1;
    private static final byte STRING_PART = 2;

    private ObservationBlock() {}

    /** Whether a spool payload is a block (else it is one value in the older format). */
    static boolean isBlock(byte[] payload) {
        return payload.length > 0 && payload[0] == MAGIC;
    }

    /** Encodes one query's values; reused by one thread for one block at a time. */
    static final class Encoder implements FeatureLog.Block {
        private final Consumer<Encoder> sealed;
        private byte[] buf = new byte[8 * 1024];
        private int size;
        private int headerEnd;
        /** Where each feature entry of the current record lies in {@link #buf}: {@code [featureStart[i], featureEnd[i])}. */
        private int[] featureStart = new int[16];

        private int[] featureEnd = new int[16];
        private final List<FeatureType> featureTypes = new ArrayList<>();
        private int values;
        private int recordValues;
        private boolean anyDropped;

        /** @param sealed takes each finished record ({@link #record()}, {@link #recordValues()}) before the encoder reuses its buffer */
        Encoder(Consumer<Encoder> sealed) {
            this.sealed = sealed;
        }

        void start(String namespace, String deploymentId, String queryId) {
            size = 0;
            values = 0;
            recordValues = 0;
            anyDropped = false;
            featureTypes.clear();
            u8(MAGIC);
            str(namespace);
            str(deploymentId);
            str(queryId);
            headerEnd = size;
        }

        @Override
        public int feature(String entity, FeatureSlot slot, String resolver) {
            int before = size;
            u8(FEATURE);
            str(entity);
            str(slot.feature());
            str(slot.version());
            str(slot.type().spelling());
            str(resolver);
            int index = featureTypes.size();
            if (index >= 0xFFFF) {
                throw new IllegalStateException("a block holds at most 65535 features");
            }
            if (index == featureStart.length) {
                featureStart = Arrays.copyOf(featureStart, index * 2);
                featureEnd = Arrays.copyOf(featureEnd, index * 2);
            }
            featureStart[index] = before;
            featureEnd[index] = size;
            featureTypes.add(slot.type());
            return index;
        }

        @Override
        public void value(int feature, Object key, Object value, Instant observedAt) {
            if (recordValues > 0 && size >= TARGET_RECORD_BYTES) {
                seal();
                restart();
            }
            FeatureType type = featureTypes.get(feature);
            u8(VALUE);
            u16(feature);
            u8(1);
            keyPart(key);
            i64(ValueCodec.toEpochMicros(observedAt));
            if (value == null) {
                u8(0);
            } else {
                u8(1);
                typed(type, value);
            }
            values++;
            recordValues++;
        }

        /** Seals the last record; returns how many values the block holds. */
        int finish() {
            if (recordValues > 0) {
                seal();
            }
            return values;
        }

        /** The finished record's bytes are {@code record()[0, recordSize())}. */
        byte[] record() {
            return buf;
        }

        int recordSize() {
            return size;
        }

        int recordValues() {
            return recordValues;
        }

        /** The receiver of a sealed record could not keep it. */
        void markDropped() {
            anyDropped = true;
        }

        boolean anyDropped() {
            return anyDropped;
        }

        private void seal() {
            sealed.accept(this);
        }

        /** A new record: the same header and every feature declared so far. */
        private void restart() {
            // the entries are copied out before the new record overwrites them (only when a block is split)
            int n = featureTypes.size();
            int total = 0;
            for (int i = 0; i < n; i++) {
                total += featureEnd[i] - featureStart[i];
            }
            byte[] entries = new byte[total];
            int at = 0;
            for (int i = 0; i < n; i++) {
                int length = featureEnd[i] - featureStart[i];
                System.arraycopy(buf, featureStart[i], entries, at, length);
                featureStart[i] = headerEnd + at;
                featureEnd[i] = headerEnd + at + length;
                at += length;
            }
            size = headerEnd;
            ensure(total);
            System.arraycopy(entries, 0, buf, size, total);
            size += total;
            recordValues = 0;
        }

        private void keyPart(Object part) {
            if (part instanceof Long l) {
                u8(LONG_PART);
                i64(l);
            } else if (part instanceof String s) {
                u8(STRING_PART);
                str(s);
            } else {
                throw new IllegalArgumentException("entity key parts must be Long or String, got "
                        + (part == null ? "null" : part.getClass().getName()));
            }
        }

        private void typed(FeatureType type, Object value) {
            switch (type) {
                case FeatureType.Scalar.INT -> i64((Long) value);
                case FeatureType.Scalar.FLOAT -> i64(Double.doubleToRawLongBits((Double) value));
                case FeatureType.Scalar.BOOL -> u8((Boolean) value ? 1 : 0);
                case FeatureType.Scalar.DATETIME -> i64(ValueCodec.toEpochMicros((Instant) value));
                case FeatureType.Scalar.DATE -> i32(Math.toIntExact(((LocalDate) value).toEpochDay()));
                case FeatureType.Scalar.STRING -> str((String) value);
                case FeatureType.ListOf list -> str(ValueCodec.encode(list, value));
            }
        }

        private void u8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        private void u16(int v) {
            ensure(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        private void i32(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        private void i64(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        private void str(String s) {
            // ASCII fast path: no intermediate byte[] for the common case of ASCII names and ids
            int n = s.length();
            boolean ascii = true;
            for (int i = 0; i < n && ascii; i++) {
                ascii = s.charAt(i) < 0x80;
            }
            if (ascii) {
                i32(n);
                ensure(n);
                for (int i = 0; i < n; i++) {
                    buf[size++] = (byte) s.charAt(i);
                }
                return;
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            i32(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }

    /** Decodes a block record into observations, in order; throws {@link CorruptRecordException} when it is not valid. */
    static void decode(byte[] payload, Consumer<ObservedValue> sink) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            if (in.get() != MAGIC) {
                throw new CorruptRecordException("not a block record");
            }
            String namespace = str(in);
            String deploymentId = str(in);
            String queryId = str(in);
            List<String> entities = new ArrayList<>();
            List<FeatureSlot> slots = new ArrayList<>();
            List<Provenance> provenances = new ArrayList<>();
            while (in.hasRemaining()) {
                byte tag = in.get();
                if (tag == FEATURE) {
                    String entity = str(in);
                    String feature = str(in);
                    String version = str(in);
                    String spelling = str(in);
                    String resolver = str(in);
                    FeatureType type = FeatureType.parse(spelling)
                            .orElseThrow(() -> new CorruptRecordException("unknown type " + spelling));
                    entities.add(entity);
                    slots.add(new FeatureSlot(feature, version, type));
                    provenances.add(Provenance.computed(queryId, resolver, deploymentId));
                } else if (tag == VALUE) {
                    int f = Short.toUnsignedInt(in.getShort());
                    if (f >= slots.size()) {
                        throw new CorruptRecordException("value of undeclared feature " + f);
                    }
                    int parts = Byte.toUnsignedInt(in.get());
                    Object[] key = new Object[parts];
                    for (int i = 0; i < parts; i++) {
                        byte partTag = in.get();
                        key[i] = switch (partTag) {
                            case LONG_PART -> in.getLong();
                            case STRING_PART -> str(in);
                            default -> throw new CorruptRecordException("unknown key part tag " + partTag);
                        };
                    }
                    long micros = in.getLong();
                    FeatureSlot slot = slots.get(f);
                    Object value = in.get() == 1 ? typed(slot.type(), in) : null;
                    sink.accept(new ObservedValue(
                            namespace,
                            entities.get(f),
                            EntityKey.of(key),
                            slot,
                            value,
                            ValueCodec.fromEpochMicros(micros),
                            provenances.get(f)));
                } else {
                    throw new CorruptRecordException("unknown entry tag " + tag);
                }
            }
        } catch (BufferUnderflowException | IllegalArgumentException | ClassCastException e) {
            throw new CorruptRecordException("undecodable block record: " + e);
        }
    }

    private static Object typed(FeatureType type, ByteBuffer in) {
        return switch (type) {
            case FeatureType.Scalar.INT -> in.getLong();
            case FeatureType.Scalar.FLOAT -> Double.longBitsToDouble(in.getLong());
            case FeatureType.Scalar.BOOL -> in.get() != 0;
            case FeatureType.Scalar.DATETIME -> ValueCodec.fromEpochMicros(in.getLong());
            case FeatureType.Scalar.DATE -> LocalDate.ofEpochDay(in.getInt());
            case FeatureType.Scalar.STRING -> str(in);
            case FeatureType.ListOf list -> ValueCodec.decode(list, str(in));
        };
    }

    private static String str(ByteBuffer in) {
        return SpoolRecordCodec.str(in);
    }
}

package dev.slate.serving.featurelog;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SourceKind;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The binary form of one {@link ObservedValue} in a spool segment (the payload of a record; framing and
 * checksums are {@link SpoolSegment}'s). Layout, all integers big-endian:
 *
 * <pre>
 * str namespace, str entity
 * u8  key part count, then per part: u8 tag (1 = long, 2 = string) and i64 or str
 * str feature, str version, str type spelling
 * u8  1 = value present, then str ValueCodec text; 0 = null
 * i64 observedAt in epoch microseconds
 * u8  source kind ordinal, then three optional strings (u8 present flag, str): query id, resolver, deployment id
 * where str = i32 byte length + UTF-8 bytes
 * </pre>
 */
final class SpoolRecordCodec {

    private static final byte LONG_PART = 1;
    private static final byte STRING_PART = 2;

    private SpoolRecordCodec() {}

    static byte[] encode(ObservedValue v) {
        Writer w = new Writer();
        w.str(v.namespace());
        w.str(v.entity());
        List<Object> parts = v.key().parts();
        w.u8(parts.size());
        for (Object part : parts) {
            if (part instanceof Long l) {
                w.u8(LONG_PART);
                w.i64(l);
            } else {
                w.u8(STRING_PART);
                w.str((String) part);
            }
        }
        w.str(v.slot().feature());
        w.str(v.slot().version());
        w.str(v.slot().type().spelling());
        if (v.value() == null) {
            w.u8(0);
        } else {
            w.u8(1);
            w.str(ValueCodec.encode(v.slot().type(), v.value()));
        }
        w.i64(ValueCodec.toEpochMicros(v.observedAt()));
        Provenance p = v.provenance();
        w.u8(p.source().ordinal());
        w.opt(p.queryId());
        w.opt(p.resolver());
        w.opt(p.deploymentId());
        return w.bytes();
    }

    /** Decodes one payload; throws {@link CorruptRecordException} when it is not a valid record. */
    static ObservedValue decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            String namespace = str(in);
            String entity = str(in);
            int partCount = Byte.toUnsignedInt(in.get());
            List<Object> parts = new ArrayList<>(partCount);
            for (int i = 0; i < partCount; i++) {
                byte tag = in.get();
                parts.add(
                        switch (tag) {
                            case LONG_PART -> in.getLong();
                            case STRING_PART -> str(in);
                            default -> throw new CorruptRecordException("unknown key part tag " + tag);
                        });
            }
            String feature = str(in);
            String version = str(in);
            String spelling = str(in);
            FeatureType type = FeatureType.parse(spelling)
                    .orElseThrow(() -> new CorruptRecordException("unknown type " + spelling));
            Object value = in.get() == 1 ? ValueCodec.decode(type, str(in)) : null;
            long micros = in.getLong();
            int source = Byte.toUnsignedInt(in.get());
            if (source >= SourceKind.values().length) {
                throw new CorruptRecordException("unknown source kind " + source);
            }
            Provenance provenance = new Provenance(SourceKind.values()[source], opt(in), opt(in), opt(in));
            if (in.hasRemaining()) {
                throw new CorruptRecordException(in.remaining() + " trailing bytes");
            }
            return new ObservedValue(
                    namespace,
                    entity,
                    new EntityKey(parts),
                    new FeatureSlot(feature, version, type),
                    value,
                    ValueCodec.fromEpochMicros(micros),
                    provenance);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptRecordException("undecodable record: " + e);
        }
    }

    /** A {@code str}: i32 byte length, then that many bytes of UTF-8. */
    static String str(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new CorruptRecordException("string length " + length + " exceeds the record");
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static Optional<String> opt(ByteBuffer in) {
        return in.get() == 1 ? Optional.of(str(in)) : Optional.empty();
    }

    /** A growable big-endian buffer. */
    private static final class Writer {
        private byte[] buf = new byte[128];
        private int size;

        void u8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void i64(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void i32(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void str(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            i32(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        void opt(Optional<String> s) {
            if (s.isPresent()) {
                u8(1);
                str(s.get());
            } else {
                u8(0);
            }
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, size);
        }
    }
}

package dev.slate.serving.engine.aggregate;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The compact binary form of the scalar values partial states and bucket contributions hold (docs/specs/online-store-redis.md,
 * section 7): one tag byte, then the value.
 */
final class TaggedValues {
    private TaggedValues() {}

    static void write(DataOutput out, Object value) throws IOException {
        switch (value) {
            case null -> out.writeByte('N');
            case Long l -> {
                out.writeByte('L');
                out.writeLong(l);
            }
            case Double d -> {
                out.writeByte('D');
                out.writeDouble(d);
            }
            case String s -> {
                out.writeByte('S');
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
            case Boolean b -> {
                out.writeByte('B');
                out.writeBoolean(b);
            }
            case Instant t -> {
                out.writeByte('T');
                out.writeLong(t.getEpochSecond());
                out.writeInt(t.getNano());
            }
            case LocalDate d -> {
                out.writeByte('d');
                out.writeLong(d.toEpochDay());
            }
            default ->
                throw new IllegalArgumentException(
                        "a " + value.getClass().getSimpleName() + " cannot be kept in an aggregation bucket");
        }
    }

    static Object read(DataInput in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case 'N' -> null;
            case 'L' -> in.readLong();
            case 'D' -> in.readDouble();
            case 'S' -> {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                yield new String(b, StandardCharsets.UTF_8);
            }
            case 'B' -> in.readBoolean();
            case 'T' -> Instant.ofEpochSecond(in.readLong(), in.readInt());
            case 'd' -> LocalDate.ofEpochDay(in.readLong());
            default -> throw new IOException("unknown value tag " + tag);
        };
    }

    static void writeDecimal(DataOutput out, BigDecimal d) throws IOException {
        byte[] unscaled = d.unscaledValue().toByteArray();
        out.writeInt(d.scale());
        out.writeInt(unscaled.length);
        out.write(unscaled);
    }

    static BigDecimal readDecimal(DataInput in) throws IOException {
        int scale = in.readInt();
        byte[] unscaled = new byte[in.readInt()];
        in.readFully(unscaled);
        return new BigDecimal(new BigInteger(unscaled), scale);
    }
}

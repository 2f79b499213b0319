package dev.slate.serving.model.cel;

import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.slate.storage.spi.FeatureType;
import java.util.Optional;

/**
 * How feature types appear in expressions. A {@code date} is a CEL timestamp at midnight UTC of that
 * day (so {@code now - signup_date} is a duration); a date-typed expression may return a timestamp,
 * whose UTC day is kept.
 */
public final class CelTypes {
    private CelTypes() {}

    /** The CEL type of a feature type; unknown types (already reported) are {@code dyn}. */
    public static CelType of(Optional<FeatureType> type) {
        return type.map(CelTypes::of).orElse(SimpleType.DYN);
    }

    public static CelType of(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> SimpleType.INT;
                    case FLOAT -> SimpleType.DOUBLE;
                    case STRING -> SimpleType.STRING;
                    case BOOL -> SimpleType.BOOL;
                    case DATETIME, DATE -> SimpleType.TIMESTAMP;
                };
            case FeatureType.ListOf l -> ListType.create(of(l.element()));
        };
    }

    /** True when a value of CEL type {@code actual} can fill a feature of {@code declared} (int fills float). */
    public static boolean assignable(FeatureType declared, CelType actual) {
        if (actual.kind() == CelKind.DYN || actual.kind() == CelKind.ANY) {
            return true;
        }
        return switch (declared) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case FLOAT -> actual.kind() == CelKind.DOUBLE || actual.kind() == CelKind.INT;
                    case INT -> actual.kind() == CelKind.INT;
                    case STRING -> actual.kind() == CelKind.STRING;
                    case BOOL -> actual.kind() == CelKind.BOOL;
                    case DATETIME, DATE -> actual.kind() == CelKind.TIMESTAMP;
                };
            case FeatureType.ListOf l ->
                actual.kind() == CelKind.LIST
                        && (!(actual instanceof ListType lt)
                                || !lt.hasElemType()
                                || assignable(l.element(), lt.elemType()));
        };
    }

    /** A CEL type in the words of the project format ({@code datetime}, not google.protobuf.Timestamp). */
    public static String describe(CelType type) {
        return switch (type.kind()) {
            case INT -> "int";
            case UINT -> "uint";
            case DOUBLE -> "float";
            case STRING -> "string";
            case BOOL -> "bool";
            case TIMESTAMP -> "datetime";
            case DURATION -> "duration";
            case BYTES -> "bytes";
            case NULL_TYPE -> "null";
            case DYN, ANY -> "dyn";
            case LIST ->
                type instanceof ListType lt && lt.hasElemType() ? "list<" + describe(lt.elemType()) + ">" : "list";
            case MAP -> "map";
            default -> type.name();
        };
    }
}

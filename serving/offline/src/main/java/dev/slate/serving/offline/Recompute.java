package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import dev.slate.storage.spi.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which outputs of an offline query are recomputed rather than read from the feature log
 * (docs/specs/point-in-time.md#recompute): {@link None} (the default), {@link Every} output that has a resolver or an
 * expression, or the {@link Listed} outputs.
 */
public sealed interface Recompute {

    /** Read every output from the feature log: the field absent or {@code false}. */
    Recompute NONE = new None();

    /** Recompute every output that has a resolver or an expression: {@code true}. */
    Recompute EVERY = new Every();

    /** Read every output from the feature log. */
    record None() implements Recompute {}

    /** Recompute every output that has a resolver or an expression; ingested outputs are still read from the log. */
    record Every() implements Recompute {}

    /** Recompute the named outputs (qualified names, in the request's order). */
    record Listed(List<String> names) implements Recompute {
        public Listed {
            names = List.copyOf(requireNonNull(names, "names is null"));
        }
    }

    /** Whether anything is to be recomputed. */
    default boolean asked() {
        return switch (this) {
            case None n -> false;
            case Every e -> true;
            case Listed l -> !l.names().isEmpty();
        };
    }

    /**
     * The {@code recompute} field of a JSON body: absent/null or {@code false}, {@code true}, or a list of output names.
     *
     * @throws SlateException {@code INVALID_QUERY} for anything else, with each problem under {@code errors[].field = recompute}
     */
    static Recompute fromJson(Object value) {
        return switch (value) {
            case null -> NONE;
            case Boolean b -> b ? EVERY : NONE;
            case List<?> list -> {
                List<String> names = new ArrayList<>(list.size());
                List<ErrorDetail> problems = new ArrayList<>();
                for (Object item : list) {
                    if (item instanceof String name) {
                        names.add(name);
                    } else {
                        problems.add(ErrorDetail.Field.of(
                                "recompute",
                                "'recompute' lists feature names (strings); got " + Values.describe(item)));
                    }
                }
                if (!problems.isEmpty()) {
                    throw new SlateException(
                            ErrorCode.INVALID_QUERY,
                            problems.size() == 1
                                    ? problems.getFirst().message()
                                    : problems.size() + " problems in the query; see errors",
                            problems);
                }
                yield new Listed(names);
            }
            default -> {
                String message =
                        "'recompute' must be true, false or a list of output names; got " + Values.describe(value);
                throw new SlateException(
                        ErrorCode.INVALID_QUERY, message, List.of(ErrorDetail.Field.of("recompute", message)));
            }
        };
    }

    /**
     * The {@code recompute} query parameter of a Parquet submission, read like the JSON field: absent,
     * {@code true}/{@code false}, or output names (repeated parameters or comma-separated).
     */
    static Recompute fromParameter(List<String> values) {
        if (values == null || values.isEmpty()) {
            return NONE;
        }
        if (values.size() == 1) {
            String only = values.getFirst().strip().toLowerCase(Locale.ROOT);
            if (only.equals("true") || only.equals("false")) {
                return Boolean.parseBoolean(only) ? EVERY : NONE;
            }
        }
        List<String> names = new ArrayList<>();
        for (String v : values) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    names.add(part.strip());
                }
            }
        }
        return new Listed(names);
    }
}
